-- Measure 14: per worker, shifts starting in the 4-week window, travel legs between consecutive
-- attendances inside one shift, travel minutes and staff contact hours.
WITH sh AS (
    SELECT s.id, s.worker_id, s.start, s."end"
    FROM rota_shift s
    WHERE s.provider_id = %(provider_id)s AND s.start >= %(w4_ws)s AND s.start < %(we)s
),
sa AS MATERIALIZED (
    -- The home is looked up per attendance through the primary keys (a scalar subquery), so the
    -- planner cannot choose to scan the whole visit history to join it.
    SELECT sh.id AS shift_id, sh.worker_id, a.id, a.check_in, a.check_out,
           (SELECT ARRAY[pe.home_lat, pe.home_lon]
            FROM rota_visit v JOIN outcomes_person pe ON pe.id = v.person_id
            WHERE v.id = a.visit_id) AS home
    FROM sh
    JOIN rota_attendance a ON a.worker_id = sh.worker_id AND a.check_in >= sh.start AND a.check_in < sh."end"
),
att AS (
    SELECT shift_id, worker_id, check_in, check_out, home[1] AS home_lat, home[2] AS home_lon,
           lag(home[1]) OVER w AS prev_lat, lag(home[2]) OVER w AS prev_lon
    FROM sa
    WINDOW w AS (PARTITION BY shift_id ORDER BY check_in, id)
),
legs AS (
    SELECT att.worker_id, att.check_in, att.check_out, att.prev_lat IS NOT NULL AND att.home_lat IS NOT NULL AS leg,
           CASE WHEN att.prev_lat IS NOT NULL AND att.home_lat IS NOT NULL THEN floor(
               2 * 6371 * asin(sqrt(
                   power(sin(radians(att.home_lat - att.prev_lat) / 2), 2)
                   + cos(radians(att.prev_lat)) * cos(radians(att.home_lat))
                     * power(sin(radians(att.home_lon - att.prev_lon) / 2), 2)))
               * 1.3
               / CASE w.travel_mode WHEN 'walk' THEN 5 WHEN 'cycle' THEN 15 WHEN 'public' THEN 15
                                    WHEN 'car' THEN 30 END
               * 60 + 0.5)::numeric END AS minutes
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
