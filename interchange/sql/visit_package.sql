-- A visit's package is its person's.
SELECT s.idx, format('package %%s is not person %%s''s', s.package, s.person)
FROM stg_visits s
JOIN stg_packages pk ON pk.ref = s.package
WHERE NOT s.bad AND NOT pk.bad AND pk.person <> s.person
  AND EXISTS (SELECT 1 FROM stg_people p WHERE p.ref = s.person)
LIMIT %(limit)s
