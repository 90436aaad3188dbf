-- Block pay per worker of the period: the shifts' minutes (pay_shifts.sql) summed, and the
-- guaranteed-hours top-up (contracted weekly hours x weeks - paid, when positive). A worker on
-- guaranteed hours employed in the period with no shift is listed too, with the full top-up.
WITH s AS (
-- include: pay_shifts
),
per_worker AS (
    SELECT worker_id, COUNT(*) AS shifts, SUM(paid_min) AS paid_min, SUM(contact_min) AS contact_min,
           SUM(travel_min) AS travel_min, SUM(training_min) AS training_min, SUM(meeting_min) AS meeting_min,
           SUM(car_km) AS car_km
    FROM s GROUP BY worker_id
)
SELECT w.id, w.ref, w.name, w.contract_type, w.contracted_weekly_hours, w.pay_rate,
       COALESCE(p.shifts, 0) AS shifts,
       COALESCE(p.paid_min, 0) AS paid_min, COALESCE(p.contact_min, 0) AS contact_min,
       COALESCE(p.travel_min, 0) AS travel_min, COALESCE(p.training_min, 0) AS training_min,
       COALESCE(p.meeting_min, 0) AS meeting_min, COALESCE(p.car_km, 0) AS car_km,
       CASE WHEN w.contract_type = 'guaranteed_hours' AND w.contracted_weekly_hours IS NOT NULL
            THEN GREATEST(0, w.contracted_weekly_hours * %(weeks)s::numeric * 60 - COALESCE(p.paid_min, 0))
            ELSE 0 END AS top_up_min
FROM workforce_worker w
LEFT JOIN per_worker p ON p.worker_id = w.id
LEFT JOIN workforce_team t ON t.id = w.team_id
WHERE w.provider_id = %(provider_id)s
  AND (p.worker_id IS NOT NULL OR (
        w.contract_type = 'guaranteed_hours' AND w.started <= %(last_day)s
        AND (w."left" IS NULL OR w."left" >= %(first_day)s)
        AND (%(neighbourhood_id)s::bigint IS NULL OR t.neighbourhood_id = %(neighbourhood_id)s::bigint)))
ORDER BY w.ref COLLATE "C"
