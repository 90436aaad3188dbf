-- A provider's bundle may carry its contracts, but they must exist already, under that provider.
SELECT s.idx, s.ref
FROM stg_contracts s
WHERE NOT bad
  AND NOT EXISTS (
      SELECT 1
      FROM commissioning_contract c
      JOIN commissioning_organisation o ON o.id = c.provider_id
      WHERE o.ref = s.prov AND c.ref = s.ref
  )
