-- A reference ({{field}}) to a record of another provider than the referring record's.
SELECT {{index}}, format('%%s belongs to provider %%s, not %%s', s.{{column}}, t.prov, s.prov)
FROM {{table}} s
JOIN {{target}} t ON t.ref = s.{{column}}
WHERE NOT s.bad AND NOT t.bad AND s.prov IS NOT NULL AND t.prov IS DISTINCT FROM s.prov
LIMIT %(limit)s
