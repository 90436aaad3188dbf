-- The contract, its provider and its lots (one row). It also turns JIT compilation off for the rest
-- of the transaction: the planner's row estimates for a week's attendances inside shifts are
-- pessimistic, and compiling the statements (about 2 s at city scale) costs far more than running them.
SELECT c.ref AS contract_ref, c.start, o.id AS provider_id, o.ref AS provider_ref,
       (SELECT array_agg(l.number ORDER BY l.number) FROM commissioning_lot l WHERE l.contract_id = c.id) AS lots,
       set_config('jit', 'off', true) AS jit
FROM commissioning_contract c
JOIN commissioning_organisation o ON o.id = c.provider_id
WHERE c.id = %(contract_id)s
