-- An end ({{later}}) not after its start ({{earlier}}): a shift, visit or attendance takes time.
SELECT {{index}}, %(message)s
FROM {{table}} s
WHERE NOT s.bad AND NOT (s.{{later}} > s.{{earlier}})
LIMIT %(limit)s
