-- The rota benchmark's weeks measured, cleared before each run (demo/bench/rota.py: measure).
DELETE FROM rota_rotachange WHERE visit_id IN (SELECT id FROM rota_visit WHERE planned_start >= %(from)s);
DELETE FROM rota_assignment a USING rota_visit v WHERE v.id = a.visit_id AND v.planned_start >= %(from)s;
DELETE FROM rota_visit WHERE planned_start >= %(from)s;
