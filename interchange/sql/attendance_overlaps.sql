-- A worker is never at two visits at once: each worker's attendances in time order, each compared
-- with the one before (one window pass, no self-join).
SELECT s.pidx, s.idx, format('worker %%s is still at visit %%s', worker, prev_ref)
FROM (
    SELECT a.*, lag(a.check_out) OVER w AS prev_out, lag(a.pref) OVER w AS prev_ref
    FROM stg_attendances a
    WHERE NOT a.bad AND a.check_in IS NOT NULL AND a.check_out IS NOT NULL
    WINDOW w AS (PARTITION BY a.worker ORDER BY a.check_in, a.check_out, a.pidx, a.idx)
) s
WHERE check_in < prev_out
LIMIT %(limit)s
