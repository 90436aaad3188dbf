-- Measure 19: training records in the 52 weeks ending with the week.
SELECT t.ref AS record, w.ref AS worker, t.course, t.date, t.hours
FROM workforce_trainingrecord t JOIN workforce_worker w ON w.id = t.worker_id
WHERE t.provider_id = %(provider_id)s AND t.date BETWEEN %(w52_d0)s AND %(d6)s
ORDER BY w.ref, t.date
