-- ECM ingest (rota/services.py attendances_ingest): the batch as a temporary table, dropped at commit.
DROP TABLE IF EXISTS ecm_batch;
CREATE TEMP TABLE ecm_batch (
    idx int,
    external_id text,
    visit text,
    worker text,
    check_in timestamptz,
    check_out timestamptz,
    method text,
    exception_code text,
    visit_id bigint,
    worker_id bigint,
    existing_id bigint
) ON COMMIT DROP;
INSERT INTO ecm_batch (idx, external_id, visit, worker, check_in, check_out, method, exception_code)
SELECT *
FROM unnest(
    %(idx)s::int[], %(external_id)s::text[], %(visit)s::text[], %(worker)s::text[],
    %(check_in)s::timestamptz[], %(check_out)s::timestamptz[], %(method)s::text[], %(exception_code)s::text[]
);
