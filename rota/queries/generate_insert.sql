-- rota_generate's new visits, a batch at a time from parallel arrays (one element per visit).
INSERT INTO rota_visit (provider_id, hand_edited, ref, slot_id, person_id, package_id, team_id, planned_start,
                        planned_end, carers_required, outside_home, status)
SELECT %(provider)s, false, *
FROM unnest(%(ref)s::text[], %(slot_id)s::bigint[], %(person_id)s::bigint[], %(package_id)s::bigint[],
            %(team_id)s::bigint[], %(planned_start)s::timestamptz[], %(planned_end)s::timestamptz[],
            %(carers_required)s::int[], %(outside_home)s::bool[], %(status)s::text[])
