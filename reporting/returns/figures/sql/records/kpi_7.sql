-- KPI 7: the week's visits; those cancelled by the person, not at home or in hospital not counted.
-- include: visits_base
SELECT va.ref AS visit, va.person_ref AS person,
       to_char(va.planned_start AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') AS planned_start,
       va.status, va.carers_required, va.carers_done,
       va.status NOT IN ('cancelled_by_person', 'not_at_home', 'hospital') AS counted, va.delivered AS met
FROM va
ORDER BY va.planned_start, va.ref
