-- Measures 1 and 2: packages started or ended in the week, with their planned weekly hours then.
-- include: packages_base
SELECT pk.ref AS package, pe.ref AS person, pk.lot, pk.start, pk."end",
       CASE WHEN pk.start BETWEEN %(d0)s AND %(d6)s THEN s1.hours END AS hours_at_start,
       CASE WHEN pk."end" BETWEEN %(d0)s AND %(d6)s THEN s2.hours END AS hours_at_end
FROM pk
JOIN outcomes_person pe ON pe.id = pk.person_id
JOIN seg s1 ON s1.package_id = pk.id AND pk.start >= s1.from_day AND pk.start < s1.to_day
LEFT JOIN seg s2 ON s2.package_id = pk.id AND pk."end" >= s2.from_day AND pk."end" < s2.to_day
WHERE pk.start BETWEEN %(d0)s AND %(d6)s OR pk."end" BETWEEN %(d0)s AND %(d6)s
ORDER BY pk.lot, pk.ref
