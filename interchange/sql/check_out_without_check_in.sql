SELECT s.pidx, s.idx, 'missing while check_out is given'
FROM stg_attendances s
WHERE NOT s.bad AND s.check_out IS NOT NULL AND s.check_in IS NULL
LIMIT %(limit)s
