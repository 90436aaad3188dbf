-- An end ({{later}}) before its start ({{earlier}}); equal is fine (a one-day absence).
SELECT {{index}}, %(message)s
FROM {{table}} s
WHERE NOT s.bad AND NOT (s.{{later}} >= s.{{earlier}})
LIMIT %(limit)s
