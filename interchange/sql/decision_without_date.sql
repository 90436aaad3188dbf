SELECT s.idx, format('required when the decision is %%s', decision)
FROM stg_package_changes s
WHERE NOT s.bad AND decision <> 'pending' AND decided IS NULL
LIMIT %(limit)s
