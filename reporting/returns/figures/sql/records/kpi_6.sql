-- KPI 6: people with an active Lot 1 package on the week's last day; opted-out people not counted.
-- include: packages_base
SELECT pe.ref AS person, pk.ref AS package, pk.start AS package_start, pk.outcomes_opt_out AS opted_out,
       (SELECT max(oa.date) FROM outcomes_outcomeassessment oa
        WHERE oa.person_id = pk.person_id AND oa.date <= %(d6)s) AS latest_assessment,
       NOT pk.outcomes_opt_out AS counted,
       NOT pk.outcomes_opt_out AND (pk.start > %(d6)s::date - 42 OR EXISTS (
           SELECT 1 FROM outcomes_outcomeassessment oa
           WHERE oa.person_id = pk.person_id AND oa.date <= %(d6)s AND oa.date > %(d6)s::date - 122)) AS met
FROM pk JOIN outcomes_person pe ON pe.id = pk.person_id
WHERE pk.lot = 1 AND (pk."end" IS NULL OR pk."end" >= %(d6)s)
ORDER BY pe.ref, pk.ref
