-- A visit's planned care workers: each a worker of the bundle, of the visit's provider, named once,
-- and no more of them than the visit needs.
SELECT {{index}}, message FROM (
    SELECT s.idx, p.n, format('unknown worker %%s', p.ref) AS message
    FROM {{table}} s CROSS JOIN LATERAL unnest(s.planned_workers) WITH ORDINALITY AS p(ref, n)
    WHERE NOT s.bad AND NOT EXISTS (SELECT 1 FROM stg_workers w WHERE w.ref = p.ref)
    UNION ALL
    SELECT s.idx, p.n, format('%%s belongs to provider %%s, not %%s', p.ref, w.prov, s.prov)
    FROM {{table}} s CROSS JOIN LATERAL unnest(s.planned_workers) WITH ORDINALITY AS p(ref, n)
    JOIN stg_workers w ON w.ref = p.ref
    WHERE NOT s.bad AND NOT w.bad AND s.prov IS NOT NULL AND w.prov IS DISTINCT FROM s.prov
    UNION ALL
    SELECT s.idx, 0, format('%%s named twice', p.ref)
    FROM {{table}} s CROSS JOIN LATERAL unnest(s.planned_workers) AS p(ref)
    WHERE NOT s.bad GROUP BY s.idx, p.ref HAVING count(*) > 1
    UNION ALL
    SELECT s.idx, 0, format('%%s care workers planned for a visit that needs %%s', cardinality(s.planned_workers),
                            coalesce(s.carers_required, 1))
    FROM {{table}} s
    WHERE NOT s.bad AND cardinality(s.planned_workers) > coalesce(s.carers_required, 1)
) s
ORDER BY s.idx, s.n
LIMIT %(limit)s
