-- A provider's bundle may carry its neighbourhoods, but they must exist already.
SELECT s.idx, s.ref
FROM stg_neighbourhoods s
WHERE NOT bad
  AND NOT EXISTS (SELECT 1 FROM commissioning_neighbourhood n WHERE n.ref = s.ref)
