-- The demo's past visits: planned for whoever attended them (set three days before the visit).
INSERT INTO rota_assignment (provider_id, visit_id, worker_id, created, created_by_id)
SELECT a.provider_id, a.visit_id, a.worker_id, v.planned_start - interval '3 days', NULL
FROM rota_attendance a JOIN rota_visit v ON v.id = a.visit_id
WHERE v.provider_id = ANY (%(providers)s)
ON CONFLICT (visit_id, worker_id) DO NOTHING
