-- Measure 4: provider reviews due in the week, or overdue on its last day, of packages active in it.
-- include: packages_base
SELECT pk.ref AS package, pk.lot, rv.ref AS review, rv.due, rv.completed,
       CASE WHEN rv.due >= %(d0)s THEN 'due in week' ELSE 'overdue' END AS why
FROM pk JOIN outcomes_review rv ON rv.package_id = pk.id
WHERE (pk."end" IS NULL OR pk."end" >= %(d0)s) AND rv.kind = 'provider' AND rv.due <= %(d6)s
  AND (rv.due >= %(d0)s OR rv.completed IS NULL OR rv.completed > %(d6)s)
ORDER BY pk.lot, pk.ref, rv.due
