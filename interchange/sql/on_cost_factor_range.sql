SELECT s.idx, 'must be at least 1'
FROM stg_providers s
WHERE s.on_cost_factor < 1
LIMIT %(limit)s
