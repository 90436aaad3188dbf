-- A provider's bundle may carry its commissioners, but they must exist already.
SELECT s.idx, s.ref
FROM stg_commissioners s
WHERE NOT bad
  AND NOT EXISTS (SELECT 1 FROM commissioning_organisation o WHERE o.kind = 'commissioner' AND o.ref = s.ref)
