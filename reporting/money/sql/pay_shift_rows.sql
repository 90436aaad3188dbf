-- The period's shifts (pay_shifts.sql) in time order.
-- include: pay_shifts
ORDER BY sh.start, sh.ref COLLATE "C"
