-- The floor the invoice is measured against: one aggregate reading the period's visits of the lot's
-- people and their attendances.
SELECT count(*), count(DISTINCT v.id), sum(extract(epoch FROM a.check_out - a.check_in))
FROM rota_visit v
JOIN outcomes_person p ON p.id = v.person_id
LEFT JOIN rota_attendance a ON a.visit_id = v.id
WHERE v.provider_id = %s AND p.contract_id = %s AND p.lot = %s AND v.planned_start >= %s AND v.planned_start < %s
