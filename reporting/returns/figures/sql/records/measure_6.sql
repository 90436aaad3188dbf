-- Measure 6: delivered visits outside the home, with their person-hours (longest attendance).
-- include: visits_base
SELECT va.ref AS visit, va.person_ref AS person,
       to_char(va.planned_start AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') AS planned_start,
       round(extract(epoch FROM va.longest) / 3600, 2) AS person_hours
FROM va WHERE va.delivered AND va.outside_home
ORDER BY va.planned_start, va.ref
