-- Measure 17: workers who left in the 52 weeks ending with the week (the 4-week ones flagged).
SELECT w.ref AS worker, w.started, w."left", w.leaving_reason,
       w."left" >= %(w4_d0)s AS in_4_week_window
FROM workforce_worker w
WHERE w.provider_id = %(provider_id)s AND w."left" BETWEEN %(w52_d0)s AND %(d6)s
ORDER BY w."left", w.ref
