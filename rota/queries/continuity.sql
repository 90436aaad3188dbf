-- Check-ins per person and care worker at the people's visits planned in the window, in care worker order,
-- so that of care workers with as many check-ins the one on record first counts among the most frequent.
SELECT v.person_id, a.worker_id, count(*)
FROM rota_visit v JOIN rota_attendance a ON a.visit_id = v.id
WHERE v.provider_id = ANY (%(providers)s) AND v.person_id = ANY (%(people)s)
  AND v.planned_start >= %(start)s AND v.planned_start < %(end)s AND a.check_in IS NOT NULL
GROUP BY 1, 2
ORDER BY 1, 2
