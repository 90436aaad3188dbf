-- A provider imports only its own records ({{table}}, owned through {{field}}).
SELECT {{index}}, format('belongs to provider %%s, not yours', s.prov)
FROM {{table}} s
WHERE s.prov IS NOT NULL AND s.prov <> %(actor)s
LIMIT %(limit)s
