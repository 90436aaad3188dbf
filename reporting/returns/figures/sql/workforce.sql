-- Workforce figures over the 4-week window (measures 14, 15, 16, 17). Workers belong to a provider,
-- not a contract, so these are the provider's figures, the same in each of its contracts' returns
-- (except spend, entered per contract).
WITH sh AS MATERIALIZED (
    SELECT s.id, s.worker_id, s.start, s."end", s.unpaid_break_minutes
    FROM rota_shift s
    WHERE s.provider_id = %(provider_id)s AND s.start >= %(w4_ws)s AND s.start < %(we)s
),
-- The shifts' workers' attendances checked in between the first shift's start and the last one's
-- end: one (worker, check_in) index range per worker (the subquery cannot be flattened, OFFSET 0),
-- never a scan of the attendance history, and not one probe per shift.
a0 AS MATERIALIZED (
    SELECT a.*
    FROM (SELECT DISTINCT worker_id FROM sh) w
    CROSS JOIN LATERAL (
        SELECT a.id, a.worker_id, a.visit_id, a.check_in, a.check_out FROM rota_attendance a
        WHERE a.worker_id = w.worker_id
          AND a.check_in >= (SELECT min(start) FROM sh) AND a.check_in < (SELECT max("end") FROM sh)
        OFFSET 0
    ) a
),
-- The attendances' visits, read through the (provider, planned_start) index over the window plus a
-- day either side (an index-only range scan: the index carries id and person_id, and constant
-- bounds give the planner a true row count, so it hashes); a visit planned outside that range is
-- looked up by its key below, so the range only decides the speed, never the figures.
vv AS MATERIALIZED (
    SELECT v.id, v.person_id FROM rota_visit v
    WHERE v.provider_id = %(provider_id)s AND v.planned_start >= %(w4_ws)s::timestamptz - interval '1 day'
      AND v.planned_start < %(we)s::timestamptz + interval '1 day'
),
-- One stream per worker in time order: the window's shift starts (k = 0) and the attendances with
-- their person's home (k = 1); a shift start sorts before a check-in at the same instant.
merged AS (
    SELECT worker_id, start AS t, 0 AS k, NULL::bigint AS id, start, "end",
           NULL::timestamptz AS check_out, NULL::numeric AS home_lat, NULL::numeric AS home_lon
    FROM sh
    UNION ALL
    SELECT a0.worker_id, a0.check_in, 1, a0.id, NULL, NULL, a0.check_out, pe.home_lat, pe.home_lon
    FROM a0
    LEFT JOIN vv ON vv.id = a0.visit_id
    JOIN outcomes_person pe
      ON pe.id = COALESCE(vv.person_id, (SELECT v.person_id FROM rota_visit v WHERE v.id = a0.visit_id))
),
-- Attendances belong to the shift whose span holds their check-in. A worker's shifts never overlap
-- (exclusion constraint), so the only candidate is the worker's latest shift starting at or before
-- the check-in, carried forward along the stream (starts and ends both increase); the attendance
-- is in it when it checked in before its end. The previous row of an attendance in the stream is
-- the previous attendance of the same shift unless it is the shift's start (the first attendance
-- of a shift has no leg): one sort, one window pass, haversine only for consecutive pairs.
stream AS (
    SELECT k, t AS check_in, check_out, worker_id, home_lat, home_lon,
           max(start) OVER w AS shift_start, max("end") OVER w AS shift_end,
           lag(k) OVER w AS prev_k, lag(home_lat) OVER w AS prev_lat, lag(home_lon) OVER w AS prev_lon
    FROM merged
    WINDOW w AS (PARTITION BY worker_id ORDER BY t, k, id ROWS UNBOUNDED PRECEDING)
),
-- Measure 14 in one pass over the stream: the attendances inside a shift, their contact time (the
-- exact sum of the intervals, converted once) and the legs' minutes (whole minutes, so summed as
-- integers), computed only for consecutive pairs.
travel AS (
    SELECT count(*) AS attendances,
           COALESCE(sum(CASE WHEN s.prev_k = 1 AND s.prev_lat IS NOT NULL AND s.home_lat IS NOT NULL THEN floor(
               2 * 6371 * asin(sqrt(
                   power(sin(radians(s.home_lat - s.prev_lat) / 2), 2)
                   + cos(radians(s.prev_lat)) * cos(radians(s.home_lat))
                     * power(sin(radians(s.home_lon - s.prev_lon) / 2), 2)))
               * 1.3
               / CASE w.travel_mode WHEN 'walk' THEN 5 WHEN 'cycle' THEN 15 WHEN 'public' THEN 15
                                    WHEN 'car' THEN 30 END
               * 60 + 0.5)::bigint END), 0) AS minutes,
           COALESCE(extract(epoch FROM sum(s.check_out - s.check_in)) / 60, 0) AS contact_minutes
    FROM stream s JOIN workforce_worker w ON w.id = s.worker_id
    WHERE s.k = 1 AND s.check_in < s.shift_end
),
wk AS (
    SELECT w.id, w.started, w."left", w.pay_rate
    FROM workforce_worker w
    WHERE w.provider_id = %(provider_id)s
),
-- Days each worker was employed inside the window (started on or before, left null or on or after).
employed_days AS (
    SELECT COALESCE(sum(GREATEST(0, LEAST(COALESCE(wk."left", %(d6)s), %(d6)s)
                                   - GREATEST(wk.started, %(w4_d0)s) + 1)), 0) AS n
    FROM wk
),
sick AS (
    SELECT count(DISTINCT (ab.worker_id, gs::date)) AS days
    FROM workforce_absence ab
    JOIN wk ON wk.id = ab.worker_id
    CROSS JOIN LATERAL generate_series(GREATEST(ab.start, %(w4_d0)s), LEAST(ab."end", %(d6)s), interval '1 day') gs
    WHERE ab.kind = 'sickness' AND ab.start <= %(d6)s AND ab."end" >= %(w4_d0)s
),
cost AS (
    SELECT sum((extract(epoch FROM sh."end" - sh.start) / 60 - sh.unpaid_break_minutes) / 60 * wk.pay_rate)
               * (SELECT on_cost_factor FROM commissioning_organisation WHERE id = %(provider_id)s) AS direct,
           sum((extract(epoch FROM sh."end" - sh.start) / 60 - sh.unpaid_break_minutes) / 60 * wk.pay_rate) AS pay
    FROM sh JOIN wk ON wk.id = sh.worker_id
),
spend AS (
    SELECT count(*) AS n, sum(indirect_staffing) AS indirect, sum(total_spend) AS total
    FROM commissioning_spend
    WHERE contract_id = %(contract_id)s AND period_start >= %(w4_d0)s AND period_end <= %(d6)s
)
SELECT jsonb_build_object(
    'attendances', (SELECT attendances FROM travel),
    'travel_minutes', (SELECT minutes FROM travel),
    'contact_minutes', (SELECT contact_minutes FROM travel),
    'shifts', (SELECT count(*) FROM sh),
    'direct_cost', (SELECT direct FROM cost),
    'pay', (SELECT pay FROM cost),
    'spend_records', (SELECT n FROM spend),
    'indirect_spend', (SELECT indirect FROM spend),
    'total_spend', (SELECT total FROM spend),
    'employed_days', (SELECT n FROM employed_days),
    'sickness_days', (SELECT days FROM sick),
    'leavers', (SELECT count(*) FROM wk WHERE wk."left" BETWEEN %(w4_d0)s AND %(d6)s),
    'headcount_first', (SELECT count(*) FROM wk
                        WHERE wk.started <= %(w4_d0)s AND (wk."left" IS NULL OR wk."left" >= %(w4_d0)s)),
    'headcount_last', (SELECT count(*) FROM wk
                       WHERE wk.started <= %(d6)s AND (wk."left" IS NULL OR wk."left" >= %(d6)s)),
    'leavers_12m', (SELECT count(*) FROM wk WHERE wk."left" BETWEEN %(w52_d0)s AND %(d6)s)
)::text
