-- Measure 29: the provider's events of kind service_gap in the 13 weeks ending with the week.
SELECT e.ref AS event, e.date, e.kind, e.title
FROM outcomes_event e
WHERE e.provider_id = %(provider_id)s AND e.kind = 'service_gap' AND e.date BETWEEN %(w13_d0)s AND %(d6)s
ORDER BY e.date, e.ref
