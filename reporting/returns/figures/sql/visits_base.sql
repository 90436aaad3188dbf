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
-- Each visit's attendances summed up by a look-up through the visit_id index (one or two rows each):
-- no sort or hash of the week's attendances.
va AS (
    SELECT v.*, COALESCE(a.done, 0) AS carers_done, COALESCE(a.done, 0) >= v.carers_required AS delivered,
           a.longest
    FROM v
    CROSS JOIN LATERAL (
        -- (visit, worker) is unique, so counting rows counts distinct carers (no sort per visit).
        SELECT count(*) FILTER (WHERE at.check_in IS NOT NULL AND at.check_out IS NOT NULL) AS done,
               max(at.check_out - at.check_in) AS longest  -- an interval: converted once per figure, not per visit
        FROM rota_attendance at WHERE at.visit_id = v.id
    ) a
)
