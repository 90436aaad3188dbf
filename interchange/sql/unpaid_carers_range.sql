SELECT s.idx, 'more than unpaid_carers_responses'
FROM stg_people_surveys s
WHERE s.unpaid_carers_well_supported > coalesce(s.unpaid_carers_responses, 0)
LIMIT %(limit)s
