-- Each visit's attendances summed up (rota_visitfigures), kept up to date by the database itself on
-- every write path, like rota/sql/shift_figures.sql. carers_done counts the attendances with both
-- check-in and check-out ((visit, worker) is unique, so that is distinct carers); longest is the
-- longest of them (the visit's delivered person-hours). Visits without attendances have no row.
-- To recompute everything: EXECUTE rota_visit_figures_sql('SELECT id FROM rota_visit').
-- Idempotent; statement-level triggers with transition tables, ENABLE ALWAYS (see shift_figures.sql).

-- The statement that recomputes the figures of the visits whose ids the query `touched` yields; run
-- with EXECUTE by the trigger functions, so it is planned for the real number of rows and sees the
-- statement's transition tables (see shift_figures.sql). Only rows whose figures changed are
-- updated (no lock or new row version for the others); visits without a row get one.
-- The rule itself, over `attendances` given as SQL yielding (visit_id, check_in, check_out): yields
-- (visit_id, carers_done, longest) for the visits with attendances. Used below over rota's tables,
-- and by the bundle import over its staged rows for a first load (commissioning/bundle/figures.py).
CREATE OR REPLACE FUNCTION rota_visit_figures_select_sql(attendances text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
SELECT format($q$
    SELECT visit_id,
           count(*) FILTER (WHERE check_in IS NOT NULL AND check_out IS NOT NULL) AS carers_done,
           max(check_out - check_in) AS longest
    FROM (%s) a
    GROUP BY visit_id
$q$, attendances)
$fn$;

CREATE OR REPLACE FUNCTION rota_visit_figures_sql(touched text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
SELECT format($q$
WITH t AS MATERIALIZED (
    SELECT DISTINCT visit_id FROM (%1$s) x(visit_id) WHERE visit_id IS NOT NULL
),
agg AS MATERIALIZED (
    SELECT v.id AS visit_id, v.provider_id, v.planned_start, x.carers_done, x.longest
    FROM (%2$s) x
    JOIN rota_visit v ON v.id = x.visit_id
),
-- A set operation, not a CTE scanned once per row of another (estimates can be far off).
gone AS (
    DELETE FROM rota_visitfigures f
    WHERE f.visit_id IN (SELECT visit_id FROM t EXCEPT SELECT visit_id FROM agg)
),
changed AS (
    UPDATE rota_visitfigures f
    SET provider_id = agg.provider_id, planned_start = agg.planned_start,
        carers_done = agg.carers_done, longest = agg.longest
    FROM agg
    WHERE f.visit_id = agg.visit_id
      AND (f.provider_id, f.planned_start, f.carers_done, f.longest)
          IS DISTINCT FROM (agg.provider_id, agg.planned_start, agg.carers_done, agg.longest)
)
INSERT INTO rota_visitfigures (visit_id, provider_id, planned_start, carers_done, longest)
SELECT agg.visit_id, agg.provider_id, agg.planned_start, agg.carers_done, agg.longest
FROM agg
WHERE NOT EXISTS (SELECT FROM rota_visitfigures f WHERE f.visit_id = agg.visit_id)
ORDER BY agg.visit_id  -- key order: the indexes fill page by page (a bundle's visits come in id order)
$q$, touched, rota_visit_figures_select_sql(
    'SELECT a.visit_id, a.check_in, a.check_out FROM t JOIN rota_attendance a ON a.visit_id = t.visit_id'))
$fn$;

-- Attendances written, corrected or deleted: their visits (old and new).
CREATE OR REPLACE FUNCTION rota_visit_figures_on_attendance() RETURNS trigger
LANGUAGE plpgsql SET work_mem = '64MB' SET jit = off SET enable_nestloop = on AS $fn$
DECLARE
    touched text;
    providers text;
BEGIN
    -- A first load's figures are written by the import itself (commissioning/bundle/figures.py).
    IF current_setting('homecare.rota_figures', true) = 'supplied' THEN RETURN NULL; END IF;
    EXECUTE rota_figures_bulk_sql(TG_OP);  -- see shift_figures.sql
    IF TG_OP = 'INSERT' THEN
        touched := 'SELECT visit_id FROM new_rows';
        providers := 'SELECT provider_id FROM new_rows';
    ELSIF TG_OP = 'DELETE' THEN
        touched := 'SELECT visit_id FROM old_rows';
        providers := 'SELECT provider_id FROM old_rows';
    ELSE
        providers := 'SELECT provider_id FROM old_rows UNION ALL SELECT provider_id FROM new_rows';
        touched := $q$
            SELECT x.visit_id
            FROM old_rows o JOIN new_rows n USING (id)
            CROSS JOIN LATERAL (VALUES (o.visit_id), (n.visit_id)) AS x(visit_id)
            WHERE (o.visit_id, o.check_in, o.check_out) IS DISTINCT FROM (n.visit_id, n.check_in, n.check_out)
        $q$;
    END IF;
    -- Concurrent writers of one provider's attendances: see rota_figures_lock_sql (shift_figures.sql).
    EXECUTE rota_figures_lock_sql(providers);
    EXECUTE rota_visit_figures_sql(touched);
    RETURN NULL;
END
$fn$;

-- A visit moved to another time (or provider): its row follows; a deleted visit loses its row.
CREATE OR REPLACE FUNCTION rota_visit_figures_on_visit() RETURNS trigger
LANGUAGE plpgsql SET work_mem = '64MB' SET jit = off SET enable_nestloop = on AS $fn$
BEGIN
    -- A first load's figures are written by the import itself (commissioning/bundle/figures.py).
    IF current_setting('homecare.rota_figures', true) = 'supplied' THEN RETURN NULL; END IF;
    IF TG_OP = 'DELETE' THEN
        DELETE FROM rota_visitfigures WHERE visit_id IN (SELECT id FROM old_rows);
    ELSE
        EXECUTE rota_figures_lock_sql('SELECT provider_id FROM old_rows UNION ALL SELECT provider_id FROM new_rows');
        UPDATE rota_visitfigures f SET provider_id = n.provider_id, planned_start = n.planned_start
        FROM new_rows n
        WHERE f.visit_id = n.id AND (f.provider_id, f.planned_start) IS DISTINCT FROM (n.provider_id, n.planned_start);
    END IF;
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE TRIGGER visit_figures_attendance_ins AFTER INSERT ON rota_attendance
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rota_visit_figures_on_attendance();
CREATE OR REPLACE TRIGGER visit_figures_attendance_upd AFTER UPDATE ON rota_attendance
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rota_visit_figures_on_attendance();
CREATE OR REPLACE TRIGGER visit_figures_attendance_del AFTER DELETE ON rota_attendance
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rota_visit_figures_on_attendance();
CREATE OR REPLACE TRIGGER visit_figures_visit_upd AFTER UPDATE ON rota_visit
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rota_visit_figures_on_visit();
CREATE OR REPLACE TRIGGER visit_figures_visit_del AFTER DELETE ON rota_visit
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rota_visit_figures_on_visit();

ALTER TABLE rota_attendance ENABLE ALWAYS TRIGGER visit_figures_attendance_ins;
ALTER TABLE rota_attendance ENABLE ALWAYS TRIGGER visit_figures_attendance_upd;
ALTER TABLE rota_attendance ENABLE ALWAYS TRIGGER visit_figures_attendance_del;
ALTER TABLE rota_visit ENABLE ALWAYS TRIGGER visit_figures_visit_upd;
ALTER TABLE rota_visit ENABLE ALWAYS TRIGGER visit_figures_visit_del;
