-- A lot number ({{table}}.lot) that the contract ({{contract}}) in the bundle does not have.
SELECT {{index}}, format('contract %%s has no lot %%s', s.{{contract}}, s.lot)
FROM {{table}} s
WHERE NOT s.bad AND s.{{contract}} IS NOT NULL
  AND EXISTS (SELECT 1 FROM stg_contracts c WHERE c.ref = s.{{contract}})
  AND NOT EXISTS (SELECT 1 FROM stg_lots l WHERE l.pref = s.{{contract}} AND l.lot = s.lot)
LIMIT %(limit)s
