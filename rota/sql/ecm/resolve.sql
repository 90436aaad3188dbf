-- ECM ingest: the batch's refs as ids. Another provider's visits and workers simply do not resolve
-- ("unknown visit"). An attendance is matched by the ECM's external_id first; a record without such a
-- match takes over the visit's attendance of that worker when it has none (e.g. from a bundle).
UPDATE ecm_batch s SET visit_id = v.id
FROM rota_visit v
WHERE v.provider_id = %(provider)s AND v.ref = s.visit;

UPDATE ecm_batch s SET worker_id = w.id
FROM workforce_worker w
WHERE w.provider_id = %(provider)s AND w.ref = s.worker;

-- `a.external_id IS NOT NULL` lets the planner use the partial unique index on (provider, external_id).
UPDATE ecm_batch s SET existing_id = a.id
FROM rota_attendance a
WHERE a.provider_id = %(provider)s AND a.external_id IS NOT NULL AND a.external_id = s.external_id;

UPDATE ecm_batch s SET existing_id = a.id
FROM rota_attendance a
WHERE s.existing_id IS NULL AND a.visit_id = s.visit_id AND a.worker_id = s.worker_id AND a.external_id IS NULL;
