-- The week's visits of the contract's people (va) with their attendances summed up.
-- The provider's packages are hashed once rather than probed once per visit; a visit whose package
-- is another provider's (never expected) still finds its lot by key.
WITH pkl AS MATERIALIZED (
    SELECT id, lot FROM outcomes_package WHERE provider_id = %(provider_id)s
),
v AS (
    -- A visit's lot is its package's (the person's when it has none).
    SELECT v.id, v.ref, v.person_id, pe.ref AS person_ref,
           COALESCE(pk.lot, (SELECT p.lot FROM outcomes_package p WHERE pk.id IS NULL AND p.id = v.package_id),
                    pe.lot) AS lot,
           v.status, v.carers_required, v.outside_home, v.planned_start, v.planned_end
    FROM rota_visit v
    JOIN outcomes_person pe ON pe.id = v.person_id
    LEFT JOIN pkl pk ON pk.id = v.package_id
    WHERE v.provider_id = %(provider_id)s AND pe.contract_id = %(contract_id)s
      AND v.planned_start >= %(ws)s AND v.planned_start < %(we)s
),
-- Each visit's attendances summed up, from the totals the database keeps per visit
-- (rota_visittotals, rota/sql/visit_totals.sql): the provider's week of them by one index range,
-- hashed against the week's visits, instead of looking up each visit's attendances.
vf AS MATERIALIZED (
    SELECT f.visit_id, f.carers_done, f.longest
    FROM rota_visittotals f
    WHERE f.provider_id = %(provider_id)s AND f.planned_start >= %(ws)s AND f.planned_start < %(we)s
),
va AS (
    SELECT v.*, COALESCE(f.carers_done, 0) AS carers_done, COALESCE(f.carers_done, 0) >= v.carers_required AS delivered,
           f.longest
    FROM v
    LEFT JOIN vf f ON f.visit_id = v.id
)
