-- A worker is never on two shifts at once: each worker's shifts in time order, each compared with
-- the one before (one window pass, no self-join).
SELECT s.idx, format('overlaps shift %%s of worker %%s', prev_ref, worker)
FROM (
    SELECT *, lag("end") OVER w AS prev_end, lag(ref) OVER w AS prev_ref
    FROM stg_shifts
    WHERE NOT bad
    WINDOW w AS (PARTITION BY worker ORDER BY start, "end", idx)
) s
WHERE start < prev_end
LIMIT %(limit)s
