-- Measure 14: per worker, shifts starting in the 4-week window, travel legs between consecutive
-- attendances inside one shift, travel minutes and staff contact hours.
WITH sh AS (
    SELECT s.id, s.worker_id, s.start, s."end"
    FROM rota_shift s
    WHERE s.provider_id = %(provider_id)s AND s.start >= %(w4_ws)s AND s.start < %(we)s
),
sa0 AS MATERIALIZED (
    -- A lateral subquery that cannot be flattened (OFFSET 0): one (worker, check_in) index range per
    -- shift, never a scan of the attendance history, whatever the planner estimates.
    SELECT sh.id AS shift_id, sh.worker_id, a.id, a.visit_id, a.check_in, a.check_out
    FROM sh
    CROSS JOIN LATERAL (
        SELECT a.id, a.visit_id, a.check_in, a.check_out FROM rota_attendance a
        WHERE a.worker_id = sh.worker_id AND a.check_in >= sh.start AND a.check_in < sh."end"
        OFFSET 0
    ) a
),
-- The attendances' visits, read through the (provider, planned_start) index over the window (a
-- range scan, not a probe per attendance); a visit planned outside it is looked up by its key.
vv AS MATERIALIZED (
    SELECT v.id, v.person_id FROM rota_visit v
    WHERE v.provider_id = %(provider_id)s AND v.planned_start >= %(w4_ws)s::timestamptz - interval '1 day'
      AND v.planned_start < (SELECT max(check_in) FROM sa0) + interval '1 day'
),
sa AS MATERIALIZED (
    SELECT sa0.*, pe.home_lat, pe.home_lon
    FROM sa0
    LEFT JOIN vv ON vv.id = sa0.visit_id
    JOIN outcomes_person pe
      ON pe.id = COALESCE(vv.person_id, (SELECT v.person_id FROM rota_visit v WHERE v.id = sa0.visit_id))
),
att AS (
    SELECT shift_id, worker_id, check_in, check_out, home_lat, home_lon,
           lag(home_lat) OVER w AS prev_lat, lag(home_lon) OVER w AS prev_lon
    FROM sa
    WINDOW w AS (PARTITION BY shift_id ORDER BY check_in, id)
),
legs AS (
    SELECT att.worker_id, att.check_in, att.check_out, att.prev_lat IS NOT NULL AND att.home_lat IS NOT NULL AS leg,
           -- rota's own leg rule (rota/sql/shift_totals.sql); NULL without both homes
           rota_leg_minutes(att.prev_lat, att.prev_lon, att.home_lat, att.home_lon, w.travel_mode)::numeric AS minutes
    FROM att JOIN workforce_worker w ON w.id = att.worker_id
)
SELECT w.ref AS worker, w.travel_mode,
       (SELECT count(*) FROM sh WHERE sh.worker_id = w.id) AS shifts,
       count(*) FILTER (WHERE legs.leg) AS legs,
       COALESCE(sum(legs.minutes), 0) AS travel_minutes,
       round(COALESCE(sum(extract(epoch FROM legs.check_out - legs.check_in)) / 3600, 0), 2) AS contact_hours
FROM legs JOIN workforce_worker w ON w.id = legs.worker_id
GROUP BY w.id, w.ref, w.travel_mode
ORDER BY w.ref
