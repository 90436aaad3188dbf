-- A provider's acquaintances: per person and care worker, the last (London) day they met in the 12
-- weeks before the day and their check-ins in its last 4 weeks.
INSERT INTO rota_acquaintance (provider_id, person_id, worker_id, last_met, visits_4w)
SELECT v.provider_id, v.person_id, a.worker_id,
       max((a.check_in AT TIME ZONE 'Europe/London')::date),
       count(*) FILTER (WHERE a.check_in >= %(since4)s)
FROM rota_attendance a JOIN rota_visit v ON v.id = a.visit_id
WHERE v.provider_id = %(provider)s AND a.check_in >= %(since)s AND a.check_in < %(until)s
GROUP BY v.provider_id, v.person_id, a.worker_id
