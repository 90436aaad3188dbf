-- ECM ingest, once the batch has no errors: correct the attendances whose values changed (pghistory
-- keeps the old row); a record sent again unchanged writes nothing. Returns how many changed.
WITH updated AS (
    UPDATE rota_attendance a
    SET check_in = s.check_in, check_out = s.check_out, method = s.method,
        exception_code = s.exception_code, external_id = s.external_id
    FROM ecm_batch s
    WHERE a.id = s.existing_id
      AND ROW(a.check_in, a.check_out, a.method, a.exception_code, a.external_id)
          IS DISTINCT FROM ROW(s.check_in, s.check_out, s.method, s.exception_code, s.external_id)
    RETURNING 1
)
SELECT count(*) FROM updated;
