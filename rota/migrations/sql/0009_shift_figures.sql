-- Measure 14's per-shift figures (rota_shiftfigures), kept up to date by the database itself so that
-- every write path (bundle import, ECM API and CSV, admin, raw SQL) maintains them. Rules
-- (docs/monitoring-return.md, "Travel"): an attendance belongs to its worker's shift whose span
-- [start, end) holds its check-in; a leg joins two consecutive attendances of one shift (check-in
-- order, then id); its minutes are the haversine distance (earth radius 6371 km) between the two
-- people's homes x 1.3 at the worker's mode speed, in whole minutes rounded half up
-- (rota_leg_minutes, rota_shift_figures_select_sql).
--
-- Idempotent (CREATE OR REPLACE): a later migration that changes this file runs it again. To
-- recompute everything: EXECUTE rota_shift_figures_sql('SELECT id FROM rota_shift'). Triggers are
-- statement-level with transition tables (one set-based recompute per statement, however many rows
-- it wrote) and ENABLE ALWAYS, so they also fire on the bundle's first load, which runs with
-- session_replication_role = replica.

-- One leg's minutes: the haversine distance (earth radius 6371 km) between two homes x 1.3 at the
-- travel mode's speed, in whole minutes rounded half up; NULL when a home is unknown. Inlined by
-- the planner where it is called (a single-expression SQL function).
CREATE OR REPLACE FUNCTION rota_leg_minutes(lat1 float8, lon1 float8, lat2 float8, lon2 float8, mode text)
RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
SELECT floor(
    2 * 6371 * asin(sqrt(
        power(sin(radians(lat2 - lat1) / 2), 2)
        + cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2)))
    * 1.3
    / CASE mode WHEN 'walk' THEN 5 WHEN 'cycle' THEN 15 WHEN 'public' THEN 15 WHEN 'car' THEN 30 END
    * 60 + 0.5)::bigint
$fn$;

-- The rules themselves, as a query over two inputs given as SQL: `shifts` yields (id, worker_id,
-- start, "end") and `attendances` yields (id, worker_id, check_in, check_out, home_lat, home_lon,
-- travel_mode), the home being the visited person's. The query yields (shift_id, attendances,
-- contact, travel_minutes) for the shifts with attendances. Used by the triggers below over rota's
-- tables, and by the bundle import over its staged rows for a first load
-- (commissioning/bundle/figures.py), so both follow one definition.
--
-- One stream per worker in time order: the shifts' starts (k = 0) and the attendances (k = 1); a
-- shift start sorts before a check-in at the same instant. A worker's shifts never overlap
-- (exclusion constraint), so an attendance's only candidate shift is the latest start before it,
-- carried forward; it is in that shift when it checked in before the shift's end. An attendance
-- before the worker's first shift start, or inside a shift not among `shifts`, falls after the end
-- of the carried shift (or has none), so it is left out, and the next shift's start row separates
-- it from what follows. The carried shift's id rides along as [start, id]: starts increase along
-- the stream, so the greatest such pair is the latest shift's (no join back by worker and start).
CREATE OR REPLACE FUNCTION rota_shift_figures_select_sql(shifts text, attendances text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
SELECT format($q$
    SELECT s.shift_id,
           count(*) AS attendances,
           COALESCE(sum(s.check_out - s.check_in), interval '0') AS contact,
           COALESCE(sum(CASE WHEN s.prev_k = 1
                             THEN rota_leg_minutes(s.prev_lat, s.prev_lon, s.home_lat, s.home_lon, s.travel_mode)
                        END), 0) AS travel_minutes
    FROM (
        SELECT k, t AS check_in, check_out, home_lat, home_lon, travel_mode,
               (max(shift_key) OVER w)[2]::bigint AS shift_id, max("end") OVER w AS shift_end,
               lag(k) OVER w AS prev_k, lag(home_lat) OVER w AS prev_lat, lag(home_lon) OVER w AS prev_lon
        FROM (
            SELECT worker_id, start AS t, 0 AS k, NULL::bigint AS aid,
                   ARRAY[extract(epoch FROM start), id] AS shift_key, "end",
                   NULL::timestamptz AS check_out, NULL::float8 AS home_lat, NULL::float8 AS home_lon,
                   NULL::text AS travel_mode
            FROM (%1$s) sh
            UNION ALL
            SELECT worker_id, check_in, 1, id, NULL, NULL, check_out, home_lat, home_lon, travel_mode
            FROM (%2$s) a
        ) merged
        WINDOW w AS (PARTITION BY worker_id ORDER BY t, k, aid ROWS UNBOUNDED PRECEDING)
    ) s
    WHERE s.k = 1 AND s.check_in < s.shift_end
    GROUP BY s.shift_id
$q$, shifts, attendances)
$fn$;

-- The statement that recomputes the figures of the shifts whose ids the query `shifts` yields. The
-- trigger functions run it with EXECUTE, so that it is planned for the real number of rows (one from an
-- ECM correction, a hundred thousand from a bundle: hash joins then, index look-ups now) and sees the
-- statement's transition tables.
CREATE OR REPLACE FUNCTION rota_shift_figures_sql(shifts text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
SELECT format($q$
-- The ids first, each once, then their shifts by key: an IN (subquery) on rota_shift could be planned
-- as a semi join that runs the subquery again for every shift when the row estimates are off.
WITH ids AS MATERIALIZED (
    SELECT DISTINCT x.id FROM (%1$s) x(id) WHERE x.id IS NOT NULL
),
sh AS MATERIALIZED (
    SELECT s.id, s.provider_id, s.worker_id, s.start, s."end"
    FROM ids
    JOIN rota_shift s ON s.id = ids.id
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
per_shift AS (%2$s),
-- Only shifts with attendances have a row (a shift without one adds nothing to any sum, and a
-- bundle's shifts, written before their attendances, then cost no row to write and rewrite). Only
-- rows whose figures changed are updated (no lock or new row version for the others).
-- Joins below are to tables by key or set operations, never a CTE scanned once per row of another:
-- their row estimates can be far off, and a city's worth of rows must not turn quadratic.
fig AS MATERIALIZED (
    SELECT p.shift_id, s.provider_id, s.start, p.attendances, p.contact, p.travel_minutes
    FROM per_shift p
    JOIN rota_shift s ON s.id = p.shift_id
),
gone AS (
    DELETE FROM rota_shiftfigures f
    USING (SELECT id FROM sh EXCEPT SELECT shift_id FROM per_shift) g
    WHERE f.shift_id = g.id
),
changed AS (
    UPDATE rota_shiftfigures f
    SET provider_id = fig.provider_id, start = fig.start, attendances = fig.attendances,
        contact = fig.contact, travel_minutes = fig.travel_minutes
    FROM fig
    WHERE f.shift_id = fig.shift_id
      AND (f.provider_id, f.start, f.attendances, f.contact, f.travel_minutes)
          IS DISTINCT FROM (fig.provider_id, fig.start, fig.attendances, fig.contact, fig.travel_minutes)
)
INSERT INTO rota_shiftfigures (shift_id, provider_id, start, attendances, contact, travel_minutes)
SELECT fig.shift_id, fig.provider_id, fig.start, fig.attendances, fig.contact, fig.travel_minutes
FROM fig
WHERE NOT EXISTS (SELECT FROM rota_shiftfigures f WHERE f.shift_id = fig.shift_id)
ORDER BY fig.shift_id  -- key order: the indexes fill page by page
$q$, shifts, rota_shift_figures_select_sql(
    'SELECT id, worker_id, start, "end" FROM sh',
    'SELECT a0.id, a0.worker_id, a0.check_in, a0.check_out, pe.home_lat, pe.home_lon, w.travel_mode
     FROM a0
     JOIN rota_visit v ON v.id = a0.visit_id
     JOIN outcomes_person pe ON pe.id = v.person_id
     JOIN workforce_worker w ON w.id = a0.worker_id'))
$fn$;

-- The ids of every shift of a worker that overlaps a span [lo, hi]: `spans` yields
-- (worker_id, lo, hi); the shifts are found through the exclusion constraint's (worker, tstzrange)
-- GiST index.
CREATE OR REPLACE FUNCTION rota_shift_figures_spans_sql(spans text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
SELECT format($q$
    SELECT s.id FROM (%s) r(worker_id, lo, hi)
    JOIN rota_shift s ON s.worker_id = r.worker_id AND tstzrange(s.start, s."end") && tstzrange(r.lo, r.hi, '[]')
$q$, spans)
$fn$;

-- Two transactions writing one provider's rota at once (two carers' phones syncing, an import beside
-- an ECM batch) must not each compute figures without the other's rows. Every recompute first takes
-- a transaction-level advisory lock per provider it touches (in id order, so two writers never
-- deadlock on them), then runs with a fresh snapshot, which holds whatever the other transaction
-- committed while this one waited. One lock per provider, not per row: a city import locks a few
-- keys instead of hundreds of thousands of rows. Shared with visit_figures.sql.
CREATE OR REPLACE FUNCTION rota_figures_lock_sql(providers text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
SELECT format($q$
SELECT count(pg_advisory_xact_lock(74010, p::int))
FROM (SELECT DISTINCT provider_id FROM (%s) x(provider_id) WHERE provider_id IS NOT NULL ORDER BY 1) q(p)
$q$, providers)
$fn$;

-- A bundle's worth of rows (more than 20,000 written by one statement): hash joins over what was
-- just written beat an index look-up per row. The statement that says so for the trigger's own
-- transition table (old_rows for a DELETE, else new_rows); the calling trigger functions' SET clause
-- restores the setting when they return. Shared with visit_figures.sql.
CREATE OR REPLACE FUNCTION rota_figures_bulk_sql(op text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
SELECT format(
    $q$SELECT CASE WHEN count(*) > 20000 THEN set_config('enable_nestloop', 'off', true) END FROM %s$q$,
    CASE op WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END)
$fn$;

-- Attendances written, corrected or deleted: their workers' shifts around the check-ins (old and new).
CREATE OR REPLACE FUNCTION rota_shift_figures_on_attendance() RETURNS trigger
LANGUAGE plpgsql SET work_mem = '64MB' SET jit = off SET enable_nestloop = on AS $fn$
DECLARE
    spans text;
    providers text;
BEGIN
    -- A first load's figures are written by the import itself (commissioning/bundle/figures.py).
    IF current_setting('homecare.rota_figures', true) = 'supplied' THEN RETURN NULL; END IF;
    EXECUTE rota_figures_bulk_sql(TG_OP);
    IF TG_OP = 'INSERT' THEN
        providers := 'SELECT provider_id FROM new_rows';
        spans := $q$
            SELECT worker_id, min(check_in), max(check_in) FROM new_rows
            WHERE check_in IS NOT NULL GROUP BY worker_id
        $q$;
    ELSIF TG_OP = 'DELETE' THEN
        providers := 'SELECT provider_id FROM old_rows';
        spans := $q$
            SELECT worker_id, min(check_in), max(check_in) FROM old_rows
            WHERE check_in IS NOT NULL GROUP BY worker_id
        $q$;
    ELSE
        providers := 'SELECT provider_id FROM old_rows UNION ALL SELECT provider_id FROM new_rows';
        spans := $q$
            SELECT x.worker_id, min(x.check_in), max(x.check_in)
            FROM old_rows o JOIN new_rows n USING (id)
            CROSS JOIN LATERAL (VALUES (o.worker_id, o.check_in), (n.worker_id, n.check_in)) AS x(worker_id, check_in)
            WHERE (o.worker_id, o.visit_id, o.check_in, o.check_out)
                  IS DISTINCT FROM (n.worker_id, n.visit_id, n.check_in, n.check_out)
              AND x.check_in IS NOT NULL
            GROUP BY x.worker_id
        $q$;
    END IF;
    EXECUTE rota_figures_lock_sql(providers);
    EXECUTE rota_shift_figures_sql(rota_shift_figures_spans_sql(spans));
    RETURN NULL;
END
$fn$;

-- Shifts written: their own figures; moved or reassigned ones again; deleted ones lose their row.
CREATE OR REPLACE FUNCTION rota_shift_figures_on_shift() RETURNS trigger
LANGUAGE plpgsql SET work_mem = '64MB' SET jit = off SET enable_nestloop = on AS $fn$
BEGIN
    -- A first load's figures are written by the import itself (commissioning/bundle/figures.py).
    IF current_setting('homecare.rota_figures', true) = 'supplied' THEN RETURN NULL; END IF;
    EXECUTE rota_figures_bulk_sql(TG_OP);
    IF TG_OP = 'INSERT' THEN
        EXECUTE rota_figures_lock_sql('SELECT provider_id FROM new_rows');
        EXECUTE rota_shift_figures_sql('SELECT id FROM new_rows');
    ELSIF TG_OP = 'DELETE' THEN
        DELETE FROM rota_shiftfigures WHERE shift_id IN (SELECT id FROM old_rows);
    ELSE
        EXECUTE rota_figures_lock_sql('SELECT provider_id FROM old_rows UNION ALL SELECT provider_id FROM new_rows');
        EXECUTE rota_shift_figures_sql($q$
            SELECT n.id FROM old_rows o JOIN new_rows n USING (id)
            WHERE (o.provider_id, o.worker_id, o.start, o."end")
                  IS DISTINCT FROM (n.provider_id, n.worker_id, n.start, n."end")
        $q$);
    END IF;
    RETURN NULL;
END
$fn$;

-- Where the legs go: a visit given to another person, a person who moved home, or a worker who now
-- cycles instead of walking changes the legs to and from those attendances (all of the worker's).
CREATE OR REPLACE FUNCTION rota_shift_figures_on_place() RETURNS trigger
LANGUAGE plpgsql SET work_mem = '64MB' SET jit = off SET enable_nestloop = on AS $fn$
DECLARE
    spans text := CASE TG_TABLE_NAME
        WHEN 'rota_visit' THEN $q$
            SELECT a.worker_id, min(a.check_in), max(a.check_in)
            FROM old_rows o JOIN new_rows n USING (id)
            JOIN rota_attendance a ON a.visit_id = n.id
            WHERE o.person_id IS DISTINCT FROM n.person_id AND a.check_in IS NOT NULL
            GROUP BY a.worker_id
        $q$
        WHEN 'outcomes_person' THEN $q$
            SELECT a.worker_id, min(a.check_in), max(a.check_in)
            FROM old_rows o JOIN new_rows n USING (id)
            JOIN rota_visit v ON v.person_id = n.id
            JOIN rota_attendance a ON a.visit_id = v.id
            WHERE (o.home_lat, o.home_lon) IS DISTINCT FROM (n.home_lat, n.home_lon) AND a.check_in IS NOT NULL
            GROUP BY a.worker_id
        $q$
        WHEN 'workforce_worker' THEN $q$
            SELECT n.id, '-infinity'::timestamptz, 'infinity'::timestamptz
            FROM old_rows o JOIN new_rows n USING (id)
            WHERE o.travel_mode IS DISTINCT FROM n.travel_mode
        $q$
    END;
BEGIN
    -- A first load's figures are written by the import itself (commissioning/bundle/figures.py).
    IF current_setting('homecare.rota_figures', true) = 'supplied' THEN RETURN NULL; END IF;
    EXECUTE rota_figures_lock_sql('SELECT provider_id FROM new_rows');
    EXECUTE rota_shift_figures_sql(rota_shift_figures_spans_sql(spans));
    RETURN NULL;
END
$fn$;

CREATE OR REPLACE TRIGGER shift_figures_attendance_ins AFTER INSERT ON rota_attendance
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rota_shift_figures_on_attendance();
CREATE OR REPLACE TRIGGER shift_figures_attendance_upd AFTER UPDATE ON rota_attendance
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rota_shift_figures_on_attendance();
CREATE OR REPLACE TRIGGER shift_figures_attendance_del AFTER DELETE ON rota_attendance
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rota_shift_figures_on_attendance();
CREATE OR REPLACE TRIGGER shift_figures_shift_ins AFTER INSERT ON rota_shift
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rota_shift_figures_on_shift();
CREATE OR REPLACE TRIGGER shift_figures_shift_upd AFTER UPDATE ON rota_shift
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rota_shift_figures_on_shift();
CREATE OR REPLACE TRIGGER shift_figures_shift_del AFTER DELETE ON rota_shift
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rota_shift_figures_on_shift();
CREATE OR REPLACE TRIGGER shift_figures_visit_upd AFTER UPDATE ON rota_visit
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rota_shift_figures_on_place();
CREATE OR REPLACE TRIGGER shift_figures_person_upd AFTER UPDATE ON outcomes_person
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rota_shift_figures_on_place();
CREATE OR REPLACE TRIGGER shift_figures_worker_upd AFTER UPDATE ON workforce_worker
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION rota_shift_figures_on_place();

ALTER TABLE rota_attendance ENABLE ALWAYS TRIGGER shift_figures_attendance_ins;
ALTER TABLE rota_attendance ENABLE ALWAYS TRIGGER shift_figures_attendance_upd;
ALTER TABLE rota_attendance ENABLE ALWAYS TRIGGER shift_figures_attendance_del;
ALTER TABLE rota_shift ENABLE ALWAYS TRIGGER shift_figures_shift_ins;
ALTER TABLE rota_shift ENABLE ALWAYS TRIGGER shift_figures_shift_upd;
ALTER TABLE rota_shift ENABLE ALWAYS TRIGGER shift_figures_shift_del;
ALTER TABLE rota_visit ENABLE ALWAYS TRIGGER shift_figures_visit_upd;
ALTER TABLE outcomes_person ENABLE ALWAYS TRIGGER shift_figures_person_upd;
ALTER TABLE workforce_worker ENABLE ALWAYS TRIGGER shift_figures_worker_upd;
