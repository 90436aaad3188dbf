-- Workforce figures over the 4-week window (measures 14, 15, 16, 17). Workers belong to a provider,
-- not a contract, so these are the provider's figures, the same in each of its contracts' returns
-- (except spend, entered per contract).
WITH sh AS (
    SELECT s.id, s.worker_id, s.start, s."end", s.unpaid_break_minutes
    FROM rota_shift s
    WHERE s.provider_id = %(provider_id)s AND s.start >= %(w4_ws)s AND s.start < %(we)s
),
-- Attendances belong to the shift whose span holds their check-in.
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
    SELECT floor(
               2 * 6371 * asin(sqrt(
                   power(sin(radians(att.home_lat - att.prev_lat) / 2), 2)
                   + cos(radians(att.prev_lat)) * cos(radians(att.home_lat))
                     * power(sin(radians(att.home_lon - att.prev_lon) / 2), 2)))
               * 1.3
               / CASE w.travel_mode WHEN 'walk' THEN 5 WHEN 'cycle' THEN 15 WHEN 'public' THEN 15
                                    WHEN 'car' THEN 30 END
               * 60 + 0.5)::numeric AS minutes
    FROM att JOIN workforce_worker w ON w.id = att.worker_id
    WHERE att.prev_lat IS NOT NULL AND att.home_lat IS NOT NULL
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
    'attendances', (SELECT count(*) FROM att),
    'travel_minutes', (SELECT COALESCE(sum(minutes), 0) FROM legs),
    'contact_minutes', (SELECT COALESCE(sum(extract(epoch FROM check_out - check_in) / 60), 0)
                        FROM att WHERE check_out IS NOT NULL),
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
