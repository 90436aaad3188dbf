SELECT s.idx, 'must be between 1 and 5'
FROM stg_staff_surveys s
WHERE s.mean_score NOT BETWEEN 1 AND 5
LIMIT %(limit)s
