-- Visit figures of the week: KPI 7 and measures 6, 7 and 8, in one statement. A visit belongs to
-- the week of its planned start; it is delivered when carers_required distinct workers have both
-- check-in and check-out; its person-hours are its longest attendance.
WITH v AS (
    SELECT v.id, v.person_id, v.status, v.carers_required, v.outside_home, v.planned_start, v.planned_end
    FROM rota_visit v
    JOIN outcomes_person pe ON pe.id = v.person_id
    WHERE v.provider_id = %(provider_id)s AND pe.contract_id = %(contract_id)s
      AND v.planned_start >= %(ws)s AND v.planned_start < %(we)s
),
a AS (
    SELECT at.visit_id,
           count(DISTINCT at.worker_id) FILTER (WHERE at.check_in IS NOT NULL AND at.check_out IS NOT NULL) AS done,
           max(extract(epoch FROM at.check_out - at.check_in)) / 60 AS longest_minutes
    FROM rota_attendance at JOIN v ON v.id = at.visit_id
    GROUP BY at.visit_id
),
va AS (
    SELECT v.*, COALESCE(a.done, 0) >= v.carers_required AS delivered, a.longest_minutes
    FROM v LEFT JOIN a ON a.visit_id = v.id
)
SELECT jsonb_build_object(
    'kpi7', (SELECT jsonb_build_object('num', count(*) FILTER (WHERE delivered), 'den', count(*))
             FROM va WHERE status NOT IN ('cancelled_by_person', 'not_at_home', 'hospital')),
    'outside_minutes', (SELECT COALESCE(sum(longest_minutes), 0) FROM va WHERE delivered AND outside_home),
    'hospital_minutes', (SELECT COALESCE(sum(extract(epoch FROM planned_end - planned_start) / 60), 0)
                         FROM va WHERE status = 'hospital'),
    'people_in_hospital', (SELECT count(DISTINCT hs.person_id)
                           FROM outcomes_hospitalstay hs JOIN outcomes_person pe ON pe.id = hs.person_id
                           WHERE pe.contract_id = %(contract_id)s AND hs.admitted < %(we)s
                             AND (hs.discharged IS NULL OR hs.discharged > %(ws)s))
)::text
