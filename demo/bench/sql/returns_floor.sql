-- The floor the return is measured against: one aggregate reading the week's visits of the contract's
-- people and their attendances, the least any computation of the return must read.
SELECT count(*), count(DISTINCT v.id), sum(extract(epoch FROM a.check_out - a.check_in))
FROM rota_visit v
JOIN outcomes_person p ON p.id = v.person_id
LEFT JOIN rota_attendance a ON a.visit_id = v.id
WHERE v.provider_id = %s AND p.contract_id = %s AND v.planned_start >= %s AND v.planned_start < %s
