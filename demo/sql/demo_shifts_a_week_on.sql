-- The last data week's care shifts, %(weeks)s week(s) on at the same London wall-clock times, for care
-- workers still employed then; a ref already there (seeded before) is left as it is.
INSERT INTO rota_shift (ref, start, "end", unpaid_break_minutes, kind, provider_id, worker_id)
SELECT s.ref || '+' || %(weeks)s,
       ((s.start AT TIME ZONE 'Europe/London') + %(weeks)s * interval '7 days') AT TIME ZONE 'Europe/London',
       ((s."end" AT TIME ZONE 'Europe/London') + %(weeks)s * interval '7 days') AT TIME ZONE 'Europe/London',
       s.unpaid_break_minutes, s.kind, s.provider_id, s.worker_id
FROM rota_shift s JOIN workforce_worker w ON w.id = s.worker_id
WHERE s.provider_id = ANY (%(providers)s) AND s.kind = 'care'
  AND s.start >= %(last_start)s AND s.start < %(last_end)s
  AND (w."left" IS NULL OR w."left" >= ((s.start AT TIME ZONE 'Europe/London') + %(weeks)s * interval '7 days')::date)
ON CONFLICT DO NOTHING
