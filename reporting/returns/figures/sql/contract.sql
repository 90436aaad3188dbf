-- The contract, its provider and its lots (one row).
SELECT c.ref AS contract_ref, c.start, o.id AS provider_id, o.ref AS provider_ref,
       (SELECT array_agg(l.number ORDER BY l.number) FROM commissioning_lot l WHERE l.contract_id = c.id) AS lots
FROM commissioning_contract c
JOIN commissioning_organisation o ON o.id = c.provider_id
WHERE c.id = %(contract_id)s
