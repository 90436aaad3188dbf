-- Measure 5: people with a package active on any day of the week.
-- include: packages_base
SELECT pe.ref AS person, pk.ref AS package, pk.lot, pk.start, pk."end"
FROM pk JOIN outcomes_person pe ON pe.id = pk.person_id
WHERE pk."end" IS NULL OR pk."end" >= %(d0)s
ORDER BY pe.ref, pk.ref
