-- ECM ingest, after ecm_update: add the records that match no attendance. Returns how many.
WITH inserted AS (
    INSERT INTO rota_attendance (
        provider_id, visit_id, worker_id, check_in, check_out, method, exception_code, external_id
    )
    SELECT %(provider)s, visit_id, worker_id, check_in, check_out, method, exception_code, external_id
    FROM ecm_batch
    WHERE existing_id IS NULL
    RETURNING 1
)
SELECT count(*) FROM inserted;
