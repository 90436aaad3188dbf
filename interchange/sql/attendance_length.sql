SELECT s.pidx, s.idx, format('longer than %%s after check_in', %(longest)s::text)
FROM stg_attendances s
WHERE NOT s.bad AND s.check_out > s.check_in + %(longest)s::interval
LIMIT %(limit)s
