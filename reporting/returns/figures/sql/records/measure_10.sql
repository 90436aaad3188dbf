-- Measure 10: packages active on the week's last day and their planned weekly hours that day.
-- include: packages_base
SELECT pk.ref AS package, pe.ref AS person, pk.lot, pk.start, pk."end", s.hours AS planned_weekly_hours
FROM pk
JOIN outcomes_person pe ON pe.id = pk.person_id
JOIN seg s ON s.package_id = pk.id AND %(d6)s::date >= s.from_day AND %(d6)s::date < s.to_day
WHERE pk."end" IS NULL OR pk."end" >= %(d6)s
ORDER BY pk.lot, pk.ref
