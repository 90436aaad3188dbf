-- Visit figures of the week: KPI 7 and measures 6, 7 and 8, in one statement. A visit belongs to
-- the week of its planned start; it is delivered when carers_required distinct workers have both
-- check-in and check-out; its person-hours are its longest attendance.
-- include: visits_base
, k7 AS (
    SELECT lot, id AS key, delivered AS met FROM va
    WHERE status NOT IN ('cancelled_by_person', 'not_at_home', 'hospital')
)
SELECT jsonb_build_object(
    'kpi7', (SELECT jsonb_build_object(
                'num', count(DISTINCT key) FILTER (WHERE met), 'den', count(DISTINCT key),
                'lots', (SELECT jsonb_object_agg(lot, jsonb_build_object('num', n, 'den', d)) FROM (
                    SELECT lot, count(DISTINCT key) FILTER (WHERE met) AS n, count(DISTINCT key) AS d
                    FROM k7 GROUP BY lot) x))
             FROM k7),
    'outside_minutes', (SELECT COALESCE(sum(longest_minutes), 0) FROM va WHERE delivered AND outside_home),
    'hospital_minutes', (SELECT COALESCE(sum(extract(epoch FROM planned_end - planned_start) / 60), 0)
                         FROM va WHERE status = 'hospital'),
    'people_in_hospital', (SELECT count(DISTINCT hs.person_id)
                           FROM outcomes_hospitalstay hs JOIN outcomes_person pe ON pe.id = hs.person_id
                           WHERE pe.contract_id = %(contract_id)s AND hs.admitted < %(we)s
                             AND (hs.discharged IS NULL OR hs.discharged > %(ws)s))
)::text
