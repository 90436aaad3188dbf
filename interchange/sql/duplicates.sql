-- A key given twice in one list ({{key}}: the ref, or the key within a parent): every row after the
-- first is named. Keys seen twice are found by hashing (no sort of the whole list); only their rows
-- are numbered.
SELECT {{index}}, format('duplicate %%s in {{list}}', s.{{what}})
FROM (
    SELECT *, row_number() OVER (PARTITION BY {{key}} ORDER BY idx) AS rn
    FROM {{table}}
    WHERE ({{key}}) IN (
        SELECT {{key}} FROM {{table}} WHERE {{what}} IS NOT NULL GROUP BY {{key}} HAVING count(*) > 1
    )
) s
WHERE rn > 1
LIMIT %(limit)s
