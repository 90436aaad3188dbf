-- Mondays (London) of the weeks from %(since)s on that hold visits made from care plans.
SELECT DISTINCT date_trunc('week', planned_start AT TIME ZONE 'Europe/London')::date
FROM rota_visit
WHERE provider_id = %(provider)s AND slot_id IS NOT NULL AND planned_start >= %(since)s
ORDER BY 1
