-- Visit figures of the week: KPI 7 and measures 6, 7 and 8, in one statement. A visit belongs to
-- the week of its planned start; it is delivered when carers_required distinct workers have both
-- check-in and check-out; its person-hours are its longest attendance.
-- include: visits_base
, by_lot AS (
    -- One pass over the week's visits (va is read once, so it is not materialised), per lot.
    -- KPI 7 counts every visit except those the person cancelled, was not at home for, or was in
    -- hospital for; it is met when the visit was delivered.
    SELECT lot,
           count(*) FILTER (WHERE delivered AND status NOT IN ('cancelled_by_person', 'not_at_home', 'hospital')) AS n,
           count(*) FILTER (WHERE status NOT IN ('cancelled_by_person', 'not_at_home', 'hospital')) AS d,
           sum(longest) FILTER (WHERE delivered AND outside_home) AS outside,
           sum(longest) FILTER (WHERE delivered) AS delivered_time,
           sum(planned_end - planned_start) FILTER (WHERE status = 'hospital') AS hospital
    FROM va
    GROUP BY lot
)
SELECT jsonb_build_object(
    'kpi7', (SELECT jsonb_build_object(
                'num', COALESCE(sum(n), 0), 'den', COALESCE(sum(d), 0),
                'lots', jsonb_object_agg(lot, jsonb_build_object('num', n, 'den', d)) FILTER (WHERE d > 0))
             FROM by_lot),
    'outside_minutes', (SELECT COALESCE(extract(epoch FROM sum(outside)) / 60, 0) FROM by_lot),
    -- Delivered person-hours of the week (the dashboard's key measure), overall and by lot.
    'delivered_minutes', (SELECT COALESCE(extract(epoch FROM sum(delivered_time)) / 60, 0) FROM by_lot),
    'delivered_lots', (SELECT jsonb_object_agg(lot, COALESCE(extract(epoch FROM delivered_time) / 60, 0)) FROM by_lot),
    'hospital_minutes', (SELECT COALESCE(extract(epoch FROM sum(hospital)) / 60, 0) FROM by_lot),
    'people_in_hospital', (SELECT count(DISTINCT hs.person_id)
                           FROM outcomes_hospitalstay hs JOIN outcomes_person pe ON pe.id = hs.person_id
                           WHERE pe.contract_id = %(contract_id)s AND hs.admitted < %(we)s
                             AND (hs.discharged IS NULL OR hs.discharged > %(ws)s))
)::text
