-- Measure 18: staff surveys in the 26 weeks ending with the week.
SELECT s.ref AS survey, s.date, s.responses, s.mean_score
FROM workforce_staffsurvey s
WHERE s.provider_id = %(provider_id)s AND s.date BETWEEN %(w26_d0)s AND %(d6)s
ORDER BY s.date, s.ref
