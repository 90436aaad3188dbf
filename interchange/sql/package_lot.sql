-- A package is on its person's lot.
SELECT s.idx, format('person %%s is on lot %%s', s.person, pp.lot)
FROM stg_packages s
JOIN stg_people pp ON pp.ref = s.person
WHERE NOT s.bad AND NOT pp.bad AND pp.lot <> s.lot
LIMIT %(limit)s
