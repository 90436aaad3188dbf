-- The contract, its provider, its lots and its KPI targets in force on the week's last day (one
-- row; a KPI the contract has not set is missing here and takes the default). It also turns JIT
-- compilation off for the rest of the transaction: the planner's row estimates for a week's
-- attendances inside shifts are pessimistic, and compiling the statements (about 2 s at city scale)
-- costs far more than running them.
SELECT c.ref AS contract_ref, c.start, o.id AS provider_id, o.ref AS provider_ref,
       (SELECT array_agg(l.number ORDER BY l.number) FROM commissioning_lot l WHERE l.contract_id = c.id) AS lots,
       (SELECT jsonb_object_agg(t.kpi, t.target::text) FROM (
            SELECT DISTINCT ON (kt.kpi) kt.kpi, kt.target
            FROM commissioning_kpitarget kt
            WHERE kt.contract_id = c.id AND kt.effective_from <= %(d6)s
            ORDER BY kt.kpi, kt.effective_from DESC) t) AS targets,
       set_config('jit', 'off', true) AS jit
FROM commissioning_contract c
JOIN commissioning_organisation o ON o.id = c.provider_id
WHERE c.id = %(contract_id)s
