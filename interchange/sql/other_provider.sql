-- A provider imports only itself.
SELECT s.idx, format('you may import only provider %%s', %(actor)s::text)
FROM stg_providers s
WHERE s.ref IS DISTINCT FROM %(actor)s
LIMIT %(limit)s
