-- The visit-level rows behind an invoice's lines: the visits of the lot and period, their rates, the
-- billed attendances and one `detail` row per billed attendance (care / short_visit), per
-- bank-holiday uplift on one, per retainer visit and per late cancellation:
-- (kind, rate, visit_id, attendance_id, worker_id, source, minutes).
WITH v AS MATERIALIZED (
    SELECT v.id, v.ref, v.status, v.carers_required, v.planned_start, v.planned_end, v.cancelled_at,
           v.person_id, v.d, v.planned_min, r.hourly_rate AS care_rate,
           v.d = ANY(%(bank_holidays)s::date[]) AS bank_holiday
    FROM (
        SELECT v.*, (v.planned_start AT TIME ZONE 'Europe/London')::date AS d,
               EXTRACT(EPOCH FROM (v.planned_end - v.planned_start)) / 60 AS planned_min
        FROM rota_visit v
        JOIN outcomes_person p ON p.id = v.person_id
        WHERE v.provider_id = %(provider_id)s AND p.contract_id = %(contract_id)s AND p.lot = %(lot)s
          AND v.planned_start >= %(start_ts)s AND v.planned_start < %(end_ts)s
    ) v
    -- Each rate with the day it stops applying, so a visit finds its rate by a range join.
    LEFT JOIN (
        SELECT lr.hourly_rate, lr.effective_from AS from_day,
               COALESCE(lead(lr.effective_from) OVER (ORDER BY lr.effective_from), 'infinity'::date) AS until_day
        FROM commissioning_lotrate lr WHERE lr.lot_id = %(lot_id)s
    ) r ON v.d >= r.from_day AND v.d < r.until_day
),
-- LATERAL: an index lookup per visit of the period, never a walk over the provider's whole history.
att AS MATERIALIZED (
    SELECT a.id, a.visit_id, a.worker_id, EXTRACT(EPOCH FROM (a.check_out - a.check_in)) / 60 AS actual_min
    FROM v
    CROSS JOIN LATERAL (
        SELECT a.id, a.visit_id, a.worker_id, a.check_in, a.check_out FROM rota_attendance a
        WHERE a.visit_id = v.id AND a.check_in IS NOT NULL AND a.check_out IS NOT NULL
        OFFSET 0  -- keeps the planner from turning this back into a merge join over every attendance
    ) a
),
billed AS MATERIALIZED (
    SELECT v.id AS visit_id, att.id AS attendance_id, att.worker_id, v.bank_holiday,
           CASE WHEN v.planned_min < %(short_min)s::numeric THEN 'short_visit' ELSE 'care' END AS kind,
           CASE WHEN v.planned_min < %(short_min)s::numeric THEN %(short_rate)s::numeric
                ELSE v.care_rate END AS rate,
           -- Round to the nearest increment, halves up.
           FLOOR(x.raw_min / %(rounding)s::numeric + 0.5) * %(rounding)s::numeric AS minutes
    FROM v
    JOIN att ON att.visit_id = v.id
    CROSS JOIN LATERAL (
        SELECT CASE
            WHEN %(basis)s = 'planned' THEN v.planned_min
            -- The tolerance: an actual of at least tolerance_share x planned bills as planned.
            WHEN att.actual_min >= %(tolerance)s::numeric * v.planned_min THEN v.planned_min
            WHEN %(basis)s = 'actual' THEN att.actual_min
            ELSE LEAST(att.actual_min, v.planned_min)
        END AS raw_min
    ) x
    WHERE v.status IN ('scheduled', 'completed')
),
detail AS (
    SELECT kind, rate, visit_id, attendance_id, worker_id, '' AS source, minutes FROM billed
    UNION ALL
    SELECT 'bank_holiday_uplift', rate * (%(bh_multiplier)s::numeric - 1), visit_id, attendance_id, worker_id,
           '', minutes
    FROM billed WHERE bank_holiday AND %(bh_multiplier)s::numeric IS NOT NULL
    UNION ALL
    -- Retainer: hospital visits within the first N days of a stay (the admission date is day 1).
    SELECT 'hospital_retainer', v.care_rate, v.id, NULL, NULL, s.ref,
           v.planned_min * v.carers_required * %(retainer_share)s::numeric
    FROM v
    CROSS JOIN LATERAL (
        SELECT hs.ref FROM outcomes_hospitalstay hs
        WHERE hs.person_id = v.person_id
          AND v.d >= (hs.admitted AT TIME ZONE 'Europe/London')::date
          AND v.d < (hs.admitted AT TIME ZONE 'Europe/London')::date + %(retainer_days)s::int
          AND (hs.discharged IS NULL OR v.d <= (hs.discharged AT TIME ZONE 'Europe/London')::date)
        ORDER BY hs.admitted DESC LIMIT 1
    ) s
    WHERE v.status = 'hospital' AND %(retainer_share)s::numeric IS NOT NULL
    UNION ALL
    -- Late cancellation by the person: notice given later than H hours before the planned start.
    SELECT 'late_cancellation', v.care_rate, v.id, NULL, NULL, '',
           v.planned_min * v.carers_required * %(late_share)s::numeric
    FROM v
    WHERE v.status = 'cancelled_by_person' AND %(late_share)s::numeric IS NOT NULL
      AND v.cancelled_at > v.planned_start - %(late_hours)s::float8 * INTERVAL '1 hour'
)
SELECT kind, rate, visit_id, attendance_id, worker_id, source, minutes FROM detail
