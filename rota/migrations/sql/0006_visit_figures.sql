-- Each visit's attendances summed up (rota_visitfigures), kept up to date by the database itself on
-- every write path, like rota/sql/shift_figures.sql. carers_done counts the attendances with both
-- check-in and check-out ((visit, worker) is unique, so that is distinct carers); longest is the
-- longest of them (the visit's delivered person-hours). Visits without attendances have no row.
-- Idempotent; statement-level triggers with transition tables, ENABLE ALWAYS (see shift_figures.sql).

CREATE OR REPLACE FUNCTION rota_visit_figures_refresh(visit_ids bigint[]) RETURNS void
LANGUAGE sql VOLATILE AS $fn$
WITH agg AS MATERIALIZED (
    SELECT a.visit_id,
           count(*) FILTER (WHERE a.check_in IS NOT NULL AND a.check_out IS NOT NULL) AS carers_done,
           max(a.check_out - a.check_in) AS longest
    FROM rota_attendance a
    WHERE a.visit_id = ANY (visit_ids)
    GROUP BY a.visit_id
),
gone AS (
    DELETE FROM rota_visitfigures f
    WHERE f.visit_id = ANY (visit_ids) AND NOT EXISTS (SELECT FROM agg WHERE agg.visit_id = f.visit_id)
)
INSERT INTO rota_visitfigures AS f (visit_id, provider_id, planned_start, carers_done, longest)
SELECT v.id, v.provider_id, v.planned_start, agg.carers_done, agg.longest
FROM agg JOIN rota_visit v ON v.id = agg.visit_id
ON CONFLICT (visit_id) DO UPDATE
SET provider_id = EXCLUDED.provider_id, planned_start = EXCLUDED.planned_start,
    carers_done = EXCLUDED.carers_done, longest = EXCLUDED.longest
WHERE (f.provider_id, f.planned_start, f.carers_done, f.longest)
      IS DISTINCT FROM (EXCLUDED.provider_id, EXCLUDED.planned_start, EXCLUDED.carers_done, EXCLUDED.longest);
$fn$;

-- Attendances written, corrected or deleted: their visits (old and new).
CREATE OR REPLACE FUNCTION rota_visit_figures_on_attendance() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM rota_visit_figures_refresh(ARRAY(SELECT DISTINCT visit_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM rota_visit_figures_refresh(ARRAY(SELECT DISTINCT visit_id FROM old_rows));
    ELSE
        PERFORM rota_visit_figures_refresh(ARRAY(
            SELECT x.visit_id
            FROM old_rows o JOIN new_rows n USING (id)
            CROSS JOIN LATERAL (VALUES (o.visit_id), (n.visit_id)) AS x(visit_id)
            WHERE (o.visit_id, o.check_in, o.check_out) IS DISTINCT FROM (n.visit_id, n.check_in, n.check_out)
        ));
    END IF;
    RETURN NULL;
END
$fn$;

-- A visit moved to another time (or provider): its row follows; a deleted visit loses its row.
CREATE OR REPLACE FUNCTION rota_visit_figures_on_visit() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM rota_visitfigures WHERE visit_id IN (SELECT id FROM old_rows);
    ELSE
        UPDATE rota_visitfigures f SET provider_id = n.provider_id, planned_start = n.planned_start
        FROM new_rows n
        WHERE f.visit_id = n.id AND (f.provider_id, f.planned_start) IS DISTINCT FROM (n.provider_id, n.planned_start);
    END IF;
    RETURN NULL;
END
$fn$;

DROP TRIGGER IF EXISTS visit_figures_attendance_ins ON rota_attendance;
DROP TRIGGER IF EXISTS visit_figures_attendance_upd ON rota_attendance;
DROP TRIGGER IF EXISTS visit_figures_attendance_del ON rota_attendance;
DROP TRIGGER IF EXISTS visit_figures_visit_upd ON rota_visit;
DROP TRIGGER IF EXISTS visit_figures_visit_del ON rota_visit;

CREATE TRIGGER visit_figures_attendance_ins AFTER INSERT ON rota_attendance
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rota_visit_figures_on_attendance();
CREATE TRIGGER visit_figures_attendance_upd AFTER UPDATE ON rota_attendance
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rota_visit_figures_on_attendance();
CREATE TRIGGER visit_figures_attendance_del AFTER DELETE ON rota_attendance
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rota_visit_figures_on_attendance();
CREATE TRIGGER visit_figures_visit_upd AFTER UPDATE ON rota_visit
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rota_visit_figures_on_visit();
CREATE TRIGGER visit_figures_visit_del AFTER DELETE ON rota_visit
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rota_visit_figures_on_visit();

ALTER TABLE rota_attendance ENABLE ALWAYS TRIGGER visit_figures_attendance_ins;
ALTER TABLE rota_attendance ENABLE ALWAYS TRIGGER visit_figures_attendance_upd;
ALTER TABLE rota_attendance ENABLE ALWAYS TRIGGER visit_figures_attendance_del;
ALTER TABLE rota_visit ENABLE ALWAYS TRIGGER visit_figures_visit_upd;
ALTER TABLE rota_visit ENABLE ALWAYS TRIGGER visit_figures_visit_del;
