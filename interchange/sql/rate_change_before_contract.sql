-- The lot's own hourly_rate applies from the contract's start: a change must come after it.
SELECT s.pidx, s.idx, 'before the contract starts'
FROM stg_rate_changes s
JOIN stg_contracts c ON c.idx = s.pidx
WHERE NOT c.bad AND s."from" <= c.start
LIMIT %(limit)s
