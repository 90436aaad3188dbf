SELECT s.idx, 'more than responses'
FROM stg_people_surveys s
WHERE s.felt_understood > s.responses
LIMIT %(limit)s
