-- An ECM system's attendance id is unique per provider.
SELECT s.pidx, s.idx, format('duplicate external_id %%s', external_id)
FROM (
    SELECT *, row_number() OVER (PARTITION BY prov, external_id ORDER BY pidx, idx) AS rn
    FROM stg_attendances
    WHERE external_id IS NOT NULL
) s
WHERE rn > 1
LIMIT %(limit)s
