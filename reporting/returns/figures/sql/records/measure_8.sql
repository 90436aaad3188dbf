-- Measure 8: the week's visits with status hospital and their planned person-hours.
-- include: visits_base
SELECT va.ref AS visit, va.person_ref AS person,
       to_char(va.planned_start AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') AS planned_start,
       round(extract(epoch FROM va.planned_end - va.planned_start) / 3600, 2) AS planned_hours
FROM va WHERE va.status = 'hospital'
ORDER BY va.planned_start, va.ref
