-- ECM ingest: every rule a record of the batch breaks, as (idx, field, message), in the order the
-- errors are listed (by record, then by rule). The bounds come from rota/rules.py as parameters.
SELECT idx, field, message
FROM (
    SELECT 1 AS rule, idx, 'external_id' AS field,
           'sent twice in this batch (also at ' || first || ')' AS message
    FROM (SELECT s.*, min(idx) OVER (PARTITION BY external_id) AS first FROM ecm_batch s) s
    WHERE idx <> first

    UNION ALL
    SELECT 2, idx, 'visit', 'unknown visit ' || coalesce(visit, '') FROM ecm_batch WHERE visit_id IS NULL

    UNION ALL
    SELECT 3, idx, 'worker', 'unknown worker ' || coalesce(worker, '') FROM ecm_batch WHERE worker_id IS NULL

    UNION ALL
    SELECT 4, idx, 'worker', 'worker ' || worker || ' appears twice on visit ' || visit || ' in this batch'
    FROM (
        SELECT s.*, min(idx) OVER (PARTITION BY visit_id, worker_id) AS first
        FROM ecm_batch s
        WHERE visit_id IS NOT NULL AND worker_id IS NOT NULL
    ) s
    WHERE idx <> first

    UNION ALL
    SELECT 5, idx, 'check_out', 'not after check_in' FROM ecm_batch WHERE check_out <= check_in

    UNION ALL
    SELECT 6, idx, 'check_in', 'missing while check_out is given'
    FROM ecm_batch WHERE check_out IS NOT NULL AND check_in IS NULL

    UNION ALL
    SELECT 7, idx, 'check_out', 'longer than ' || %(longest)s || ' after check_in'
    FROM ecm_batch WHERE check_out > check_in + %(longest)s::interval

    UNION ALL
    SELECT 8, s.idx, 'check_in', 'more than ' || %(earliest)s || ' before the planned start'
    FROM ecm_batch s JOIN rota_visit v ON v.id = s.visit_id
    WHERE s.check_in < v.planned_start - %(earliest)s::interval

    UNION ALL
    SELECT 9, s.idx, 'check_in', 'more than ' || %(latest)s || ' after the planned end'
    FROM ecm_batch s JOIN rota_visit v ON v.id = s.visit_id
    WHERE s.check_in > v.planned_end + %(latest)s::interval

    UNION ALL
    SELECT 10, s.idx, 'worker',
           'already recorded at visit ' || s.visit || ' under another external_id (' || a.external_id || ')'
    FROM ecm_batch s JOIN rota_attendance a ON a.visit_id = s.visit_id AND a.worker_id = s.worker_id
    WHERE s.existing_id IS NULL AND a.external_id IS NOT NULL AND a.external_id <> s.external_id

    UNION ALL
    SELECT 11, s.idx, 'visit', 'this external_id was recorded for another visit or worker'
    FROM ecm_batch s JOIN rota_attendance a ON a.id = s.existing_id
    WHERE a.visit_id <> s.visit_id OR a.worker_id <> s.worker_id
) errors
ORDER BY idx, rule;
