-- A reference ({{field}}) to a record the bundle does not hold.
SELECT {{index}}, format('unknown {{field}} %%s', s.{{column}})
FROM {{table}} s
WHERE NOT s.bad AND s.{{column}} IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM {{target}} t WHERE t.ref = s.{{column}})
LIMIT %(limit)s
