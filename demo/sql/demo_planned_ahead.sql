-- The planned weeks' visits, each planned for whoever did the same visit (person, weekday, London
-- time) in the last week of the data and is still employed; one in 40 (by its ref) is left for the
-- coordinator, as is any whose visit last week was missed or cancelled (nobody attended).
INSERT INTO rota_assignment (provider_id, visit_id, worker_id, created, created_by_id)
SELECT g.provider_id, g.id, a.worker_id, %(at)s, NULL
FROM rota_visit g
JOIN rota_visit h
  ON h.provider_id = g.provider_id AND h.person_id = g.person_id
 AND h.planned_start >= %(last_start)s AND h.planned_start < %(last_end)s
 AND extract(isodow FROM h.planned_start AT TIME ZONE 'Europe/London')
     = extract(isodow FROM g.planned_start AT TIME ZONE 'Europe/London')
 AND (h.planned_start AT TIME ZONE 'Europe/London')::time = (g.planned_start AT TIME ZONE 'Europe/London')::time
JOIN rota_attendance a ON a.visit_id = h.id
JOIN workforce_worker w ON w.id = a.worker_id
WHERE g.provider_id = ANY (%(providers)s) AND g.slot_id IS NOT NULL AND g.status = 'scheduled'
  AND g.planned_start >= %(last_end)s AND g.planned_start < %(plan_end)s
  AND (w."left" IS NULL OR w."left" >= (g.planned_start AT TIME ZONE 'Europe/London')::date)
  AND ('x' || substr(md5(g.ref), 1, 7))::bit(28)::int %% 40 <> 0
ON CONFLICT (visit_id, worker_id) DO NOTHING
