-- A check-in far from its visit's planned time (rota.rules): both ends in one join of the
-- attendances to their visits (a city's biggest join), the early ones listed first, each kind in
-- file order.
SELECT s.pidx, s.idx,
       CASE WHEN early THEN format('more than %%s before the planned start', %(earliest)s::text)
            ELSE format('more than %%s after the planned end', %(latest)s::text) END
FROM (
    SELECT s.pidx, s.idx, s.check_in < v.planned_start - %(earliest)s::interval AS early
    FROM stg_attendances s
    JOIN stg_visits v ON v.idx = s.pidx
    WHERE NOT s.bad
      AND (s.check_in < v.planned_start - %(earliest)s::interval
           OR s.check_in > v.planned_end + %(latest)s::interval)
) s
ORDER BY NOT early, pidx, idx
LIMIT %(limit)s
