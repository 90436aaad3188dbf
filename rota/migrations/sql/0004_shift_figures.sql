-- Measure 14's per-shift figures (rota_shiftfigures), kept up to date by the database itself so that
-- every write path (bundle import, ECM API and CSV, admin, raw SQL) maintains them. Rules
-- (docs/monitoring-return.md, "Travel"): an attendance belongs to its worker's shift whose span
-- [start, end) holds its check-in; a leg joins two consecutive attendances of one shift (check-in
-- order, then id); its minutes are the haversine distance (earth radius 6371 km) between the two
-- people's homes x 1.3 at the worker's mode speed, in whole minutes rounded half up.
--
-- Idempotent (CREATE OR REPLACE, DROP ... IF EXISTS): a later migration that changes this file runs
-- it again. Triggers are statement-level with transition tables (one set-based recompute per
-- statement, however many rows it wrote) and ENABLE ALWAYS, so they also fire on the bundle's first
-- load, which runs with session_replication_role = replica.

-- Recompute the figures of these shifts; ids of shifts that no longer exist lose their row.
CREATE OR REPLACE FUNCTION rota_shift_figures_refresh(shift_ids bigint[]) RETURNS void
LANGUAGE sql VOLATILE AS $fn$
WITH sh AS MATERIALIZED (
    SELECT s.id, s.provider_id, s.worker_id, s.start, s."end"
    FROM rota_shift s
    WHERE s.id = ANY (shift_ids)
),
-- Each worker's attendances from the first of these shifts' starts to the last one's end: one
-- (worker, check_in) index range per worker, never one probe per shift.
span AS MATERIALIZED (
    SELECT worker_id, min(start) AS lo, max("end") AS hi FROM sh GROUP BY worker_id
),
a0 AS MATERIALIZED (
    SELECT a.*
    FROM span
    CROSS JOIN LATERAL (
        SELECT a.id, a.worker_id, a.visit_id, a.check_in, a.check_out
        FROM rota_attendance a
        WHERE a.worker_id = span.worker_id AND a.check_in >= span.lo AND a.check_in < span.hi
        OFFSET 0
    ) a
),
-- One stream per worker in time order: the shifts' starts (k = 0) and the attendances with their
-- person's home (k = 1); a shift start sorts before a check-in at the same instant. A worker's shifts
-- never overlap (exclusion constraint), so an attendance's only candidate shift is the latest start
-- before it, carried forward; it is in that shift when it checked in before the shift's end. An
-- attendance inside a shift that is not being recomputed falls after the end of the carried shift,
-- so it is left out, and the next recomputed shift's start row separates it from what follows.
merged AS (
    SELECT worker_id, start AS t, 0 AS k, NULL::bigint AS aid, start, "end",
           NULL::timestamptz AS check_out, NULL::float8 AS home_lat, NULL::float8 AS home_lon
    FROM sh
    UNION ALL
    SELECT a0.worker_id, a0.check_in, 1, a0.id, NULL, NULL, a0.check_out, pe.home_lat, pe.home_lon
    FROM a0
    JOIN rota_visit v ON v.id = a0.visit_id
    JOIN outcomes_person pe ON pe.id = v.person_id
),
stream AS (
    SELECT k, t AS check_in, check_out, worker_id, home_lat, home_lon,
           max(start) OVER w AS shift_start, max("end") OVER w AS shift_end,
           lag(k) OVER w AS prev_k, lag(home_lat) OVER w AS prev_lat, lag(home_lon) OVER w AS prev_lon
    FROM merged
    WINDOW w AS (PARTITION BY worker_id ORDER BY t, k, aid ROWS UNBOUNDED PRECEDING)
),
per_shift AS (
    SELECT s.worker_id, s.shift_start,
           count(*) AS attendances,
           COALESCE(sum(s.check_out - s.check_in), interval '0') AS contact,
           COALESCE(sum(CASE WHEN s.prev_k = 1 AND s.prev_lat IS NOT NULL AND s.home_lat IS NOT NULL THEN floor(
               2 * 6371 * asin(sqrt(
                   power(sin(radians(s.home_lat - s.prev_lat) / 2), 2)
                   + cos(radians(s.prev_lat)) * cos(radians(s.home_lat))
                     * power(sin(radians(s.home_lon - s.prev_lon) / 2), 2)))
               * 1.3
               / CASE w.travel_mode WHEN 'walk' THEN 5 WHEN 'cycle' THEN 15 WHEN 'public' THEN 15
                                    WHEN 'car' THEN 30 END
               * 60 + 0.5)::bigint END), 0) AS travel_minutes
    FROM stream s
    JOIN workforce_worker w ON w.id = s.worker_id
    WHERE s.k = 1 AND s.check_in < s.shift_end
    GROUP BY s.worker_id, s.shift_start
),
gone AS (
    DELETE FROM rota_shiftfigures f
    WHERE f.shift_id = ANY (shift_ids) AND NOT EXISTS (SELECT FROM sh WHERE sh.id = f.shift_id)
)
INSERT INTO rota_shiftfigures AS f (shift_id, provider_id, start, attendances, contact, travel_minutes)
SELECT sh.id, sh.provider_id, sh.start,
       COALESCE(p.attendances, 0), COALESCE(p.contact, interval '0'), COALESCE(p.travel_minutes, 0)
FROM sh
LEFT JOIN per_shift p ON p.worker_id = sh.worker_id AND p.shift_start = sh.start
ON CONFLICT (shift_id) DO UPDATE
SET provider_id = EXCLUDED.provider_id, start = EXCLUDED.start, attendances = EXCLUDED.attendances,
    contact = EXCLUDED.contact, travel_minutes = EXCLUDED.travel_minutes
WHERE (f.provider_id, f.start, f.attendances, f.contact, f.travel_minutes)
      IS DISTINCT FROM (EXCLUDED.provider_id, EXCLUDED.start, EXCLUDED.attendances, EXCLUDED.contact,
                        EXCLUDED.travel_minutes);
$fn$;

-- Recompute every shift of these workers that overlaps [lo, hi] (one span per worker), found through
-- the exclusion constraint's (worker, tstzrange) GiST index.
CREATE OR REPLACE FUNCTION rota_shift_figures_refresh_spans(
    worker_ids bigint[], los timestamptz[], his timestamptz[]
) RETURNS void
LANGUAGE sql VOLATILE AS $fn$
SELECT rota_shift_figures_refresh(ARRAY(
    SELECT s.id
    FROM unnest(worker_ids, los, his) AS r(worker_id, lo, hi)
    JOIN rota_shift s
      ON s.worker_id = r.worker_id AND tstzrange(s.start, s."end") && tstzrange(r.lo, r.hi, '[]')
));
$fn$;

-- Attendances written, corrected or deleted: their workers' shifts around the check-ins (old and new).
CREATE OR REPLACE FUNCTION rota_shift_figures_on_attendance() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM rota_shift_figures_refresh_spans(array_agg(worker_id), array_agg(lo), array_agg(hi))
        FROM (SELECT worker_id, min(check_in) AS lo, max(check_in) AS hi
              FROM new_rows WHERE check_in IS NOT NULL GROUP BY worker_id) g
        HAVING count(*) > 0;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM rota_shift_figures_refresh_spans(array_agg(worker_id), array_agg(lo), array_agg(hi))
        FROM (SELECT worker_id, min(check_in) AS lo, max(check_in) AS hi
              FROM old_rows WHERE check_in IS NOT NULL GROUP BY worker_id) g
        HAVING count(*) > 0;
    ELSE
        PERFORM rota_shift_figures_refresh_spans(array_agg(worker_id), array_agg(lo), array_agg(hi))
        FROM (
            SELECT worker_id, min(check_in) AS lo, max(check_in) AS hi
            FROM (
                SELECT o.worker_id AS ow, o.check_in AS oc, n.worker_id AS nw, n.check_in AS nc
                FROM old_rows o JOIN new_rows n USING (id)
                WHERE (o.worker_id, o.visit_id, o.check_in, o.check_out)
                      IS DISTINCT FROM (n.worker_id, n.visit_id, n.check_in, n.check_out)
            ) c
            CROSS JOIN LATERAL (VALUES (c.ow, c.oc), (c.nw, c.nc)) AS x(worker_id, check_in)
            WHERE check_in IS NOT NULL
            GROUP BY worker_id
        ) g
        HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END
$fn$;

-- Shifts written: their own figures; moved or reassigned ones again; deleted ones lose their row.
CREATE OR REPLACE FUNCTION rota_shift_figures_on_shift() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM rota_shift_figures_refresh(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM rota_shiftfigures WHERE shift_id IN (SELECT id FROM old_rows);
    ELSE
        PERFORM rota_shift_figures_refresh(ARRAY(
            SELECT n.id FROM old_rows o JOIN new_rows n USING (id)
            WHERE (o.provider_id, o.worker_id, o.start, o."end")
                  IS DISTINCT FROM (n.provider_id, n.worker_id, n.start, n."end")
        ));
    END IF;
    RETURN NULL;
END
$fn$;

-- A visit given to another person: the legs to and from its attendances change.
CREATE OR REPLACE FUNCTION rota_shift_figures_on_visit() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM rota_shift_figures_refresh_spans(array_agg(worker_id), array_agg(lo), array_agg(hi))
    FROM (SELECT a.worker_id, min(a.check_in) AS lo, max(a.check_in) AS hi
          FROM old_rows o JOIN new_rows n USING (id)
          JOIN rota_attendance a ON a.visit_id = n.id
          WHERE o.person_id IS DISTINCT FROM n.person_id AND a.check_in IS NOT NULL
          GROUP BY a.worker_id) g
    HAVING count(*) > 0;
    RETURN NULL;
END
$fn$;

-- A person who moved home: every leg to or from their visits changes.
CREATE OR REPLACE FUNCTION rota_shift_figures_on_person() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM rota_shift_figures_refresh_spans(array_agg(worker_id), array_agg(lo), array_agg(hi))
    FROM (SELECT a.worker_id, min(a.check_in) AS lo, max(a.check_in) AS hi
          FROM old_rows o JOIN new_rows n USING (id)
          JOIN rota_visit v ON v.person_id = n.id
          JOIN rota_attendance a ON a.visit_id = v.id
          WHERE (o.home_lat, o.home_lon) IS DISTINCT FROM (n.home_lat, n.home_lon) AND a.check_in IS NOT NULL
          GROUP BY a.worker_id) g
    HAVING count(*) > 0;
    RETURN NULL;
END
$fn$;

-- A worker who now cycles instead of walking: all of their legs change.
CREATE OR REPLACE FUNCTION rota_shift_figures_on_worker() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM rota_shift_figures_refresh_spans(array_agg(n.id), array_agg('-infinity'::timestamptz),
                                             array_agg('infinity'::timestamptz))
    FROM old_rows o JOIN new_rows n USING (id)
    WHERE o.travel_mode IS DISTINCT FROM n.travel_mode
    HAVING count(*) > 0;
    RETURN NULL;
END
$fn$;

DROP TRIGGER IF EXISTS shift_figures_attendance_ins ON rota_attendance;
DROP TRIGGER IF EXISTS shift_figures_attendance_upd ON rota_attendance;
DROP TRIGGER IF EXISTS shift_figures_attendance_del ON rota_attendance;
DROP TRIGGER IF EXISTS shift_figures_shift_ins ON rota_shift;
DROP TRIGGER IF EXISTS shift_figures_shift_upd ON rota_shift;
DROP TRIGGER IF EXISTS shift_figures_shift_del ON rota_shift;
DROP TRIGGER IF EXISTS shift_figures_visit_upd ON rota_visit;
DROP TRIGGER IF EXISTS shift_figures_person_upd ON outcomes_person;
DROP TRIGGER IF EXISTS shift_figures_worker_upd ON workforce_worker;

CREATE TRIGGER shift_figures_attendance_ins AFTER INSERT ON rota_attendance
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rota_shift_figures_on_attendance();
CREATE TRIGGER shift_figures_attendance_upd AFTER UPDATE ON rota_attendance
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rota_shift_figures_on_attendance();
CREATE TRIGGER shift_figures_attendance_del AFTER DELETE ON rota_attendance
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rota_shift_figures_on_attendance();
CREATE TRIGGER shift_figures_shift_ins AFTER INSERT ON rota_shift
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rota_shift_figures_on_shift();
CREATE TRIGGER shift_figures_shift_upd AFTER UPDATE ON rota_shift
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rota_shift_figures_on_shift();
CREATE TRIGGER shift_figures_shift_del AFTER DELETE ON rota_shift
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rota_shift_figures_on_shift();
CREATE TRIGGER shift_figures_visit_upd AFTER UPDATE ON rota_visit
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rota_shift_figures_on_visit();
CREATE TRIGGER shift_figures_person_upd AFTER UPDATE ON outcomes_person
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rota_shift_figures_on_person();
CREATE TRIGGER shift_figures_worker_upd AFTER UPDATE ON workforce_worker
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rota_shift_figures_on_worker();

ALTER TABLE rota_attendance ENABLE ALWAYS TRIGGER shift_figures_attendance_ins;
ALTER TABLE rota_attendance ENABLE ALWAYS TRIGGER shift_figures_attendance_upd;
ALTER TABLE rota_attendance ENABLE ALWAYS TRIGGER shift_figures_attendance_del;
ALTER TABLE rota_shift ENABLE ALWAYS TRIGGER shift_figures_shift_ins;
ALTER TABLE rota_shift ENABLE ALWAYS TRIGGER shift_figures_shift_upd;
ALTER TABLE rota_shift ENABLE ALWAYS TRIGGER shift_figures_shift_del;
ALTER TABLE rota_visit ENABLE ALWAYS TRIGGER shift_figures_visit_upd;
ALTER TABLE outcomes_person ENABLE ALWAYS TRIGGER shift_figures_person_upd;
ALTER TABLE workforce_worker ENABLE ALWAYS TRIGGER shift_figures_worker_upd;
