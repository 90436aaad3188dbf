-- A share ({{column}}) is a fraction of the whole.
SELECT {{index}}, 'must be between 0 and 1'
FROM {{table}} s
WHERE s.{{column}} > 1
LIMIT %(limit)s
