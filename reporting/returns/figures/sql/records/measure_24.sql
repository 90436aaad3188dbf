-- Measure 24: the contract's credits dated in the 13 weeks ending with the week.
SELECT c.ref AS credit, c.lot, c.date, c.amount, c.reason
FROM outcomes_credit c
WHERE c.contract_id = %(contract_id)s AND c.date BETWEEN %(w13_d0)s AND %(d6)s
ORDER BY c.lot, c.date, c.ref
