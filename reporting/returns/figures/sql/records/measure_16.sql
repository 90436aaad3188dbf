-- Measure 16: sickness absences overlapping the 4-week window, with their days inside it.
SELECT ab.ref AS absence, w.ref AS worker, ab.start, ab."end",
       LEAST(ab."end", %(d6)s) - GREATEST(ab.start, %(w4_d0)s) + 1 AS days_in_window
FROM workforce_absence ab JOIN workforce_worker w ON w.id = ab.worker_id
WHERE w.provider_id = %(provider_id)s AND ab.kind = 'sickness' AND ab.start <= %(d6)s AND ab."end" >= %(w4_d0)s
ORDER BY ab.start, ab.ref
