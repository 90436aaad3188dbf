-- rota_generate's untouched visits brought in line with their slot, a batch at a time.
UPDATE rota_visit v
SET slot_id = u.slot_id, person_id = u.person_id, package_id = u.package_id, team_id = u.team_id,
    planned_start = u.planned_start, planned_end = u.planned_end, carers_required = u.carers_required,
    outside_home = u.outside_home, status = u.status
FROM unnest(%(id)s::bigint[], %(slot_id)s::bigint[], %(person_id)s::bigint[], %(package_id)s::bigint[],
            %(team_id)s::bigint[], %(planned_start)s::timestamptz[], %(planned_end)s::timestamptz[],
            %(carers_required)s::int[], %(outside_home)s::bool[], %(status)s::text[])
     AS u(id, slot_id, person_id, package_id, team_id, planned_start, planned_end, carers_required, outside_home,
          status)
WHERE v.id = u.id
