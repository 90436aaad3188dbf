-- Measure 11: reviews of Lot 1 packages completed in the week; counted when on or before due.
SELECT rv.ref AS review, pk.ref AS package, rv.kind, rv.due, rv.completed, rv.completed <= rv.due AS in_time
FROM outcomes_review rv
JOIN outcomes_package pk ON pk.id = rv.package_id
JOIN outcomes_person pe ON pe.id = pk.person_id
WHERE pe.contract_id = %(contract_id)s AND pk.lot = 1 AND rv.completed BETWEEN %(d0)s AND %(d6)s
ORDER BY rv.completed, rv.ref
