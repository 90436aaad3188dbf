-- Measures 20 and 26: people surveys in the 52 weeks ending with the week.
SELECT s.ref AS survey, s.date, s.responses, s.felt_understood, s.unpaid_carers_responses,
       s.unpaid_carers_well_supported
FROM outcomes_peoplesurvey s
WHERE s.provider_id = %(provider_id)s AND s.date BETWEEN %(w52_d0)s AND %(d6)s
ORDER BY s.date, s.ref
