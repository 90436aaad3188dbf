-- Demand and package figures: measures 1, 2, 3, 4, 5, 10, 11 and KPIs 5 and 6, in one statement.
-- A package's lot is package.lot.
-- include: packages_base
, lots AS (SELECT unnest(%(lots)s::int[]) AS lot),
-- Measures 1 and 2: starts and ends in the week, with the hours at start / at end.
m12 AS (
    SELECT pk.lot,
           count(*) FILTER (WHERE pk.start BETWEEN %(d0)s AND %(d6)s) AS started,
           count(*) FILTER (WHERE pk."end" BETWEEN %(d0)s AND %(d6)s) AS ended,
           COALESCE(sum(s_start.hours) FILTER (WHERE pk.start BETWEEN %(d0)s AND %(d6)s), 0) AS hours_started,
           COALESCE(sum(s_end.hours) FILTER (WHERE pk."end" BETWEEN %(d0)s AND %(d6)s), 0) AS hours_ended
    FROM pk
    JOIN seg s_start ON s_start.package_id = pk.id AND pk.start >= s_start.from_day AND pk.start < s_start.to_day
    LEFT JOIN seg s_end ON s_end.package_id = pk.id AND pk."end" >= s_end.from_day AND pk."end" < s_end.to_day
    GROUP BY pk.lot
),
-- Measure 3: each change taking effect in the week is an event of its author; each rejection
-- decided in the week (after the change had applied) is a social worker's event reverting it.
ev AS (
    SELECT c.package_id, c.by AS who, c.effective AS day FROM ch c
    WHERE c.effective BETWEEN %(d0)s AND %(d6)s
    UNION ALL
    SELECT c.package_id, 'social_worker', c.decided FROM ch c
    WHERE c.decision = 'rejected' AND c.decided BETWEEN %(d0)s AND %(d6)s AND c.decided > c.effective
),
evd AS (
    SELECT pk.lot, ev.who, s_now.hours - s_before.hours AS delta
    FROM ev
    JOIN pk ON pk.id = ev.package_id
    JOIN seg s_now ON s_now.package_id = ev.package_id AND ev.day >= s_now.from_day AND ev.day < s_now.to_day
    JOIN seg s_before ON s_before.package_id = ev.package_id
        AND ev.day - 1 >= s_before.from_day AND ev.day - 1 < s_before.to_day
),
m3 AS (
    SELECT lot,
           count(*) FILTER (WHERE who = 'provider' AND delta > 0) AS provider_increases,
           count(*) FILTER (WHERE who = 'provider' AND delta < 0) AS provider_decreases,
           count(*) FILTER (WHERE who = 'social_worker' AND delta > 0) AS social_worker_increases,
           count(*) FILTER (WHERE who = 'social_worker' AND delta < 0) AS social_worker_decreases,
           COALESCE(sum(delta), 0) AS net_hours
    FROM evd GROUP BY lot
),
active_week AS (
    SELECT * FROM pk WHERE pk."end" IS NULL OR pk."end" >= %(d0)s
),
active_last AS (
    SELECT * FROM pk WHERE pk."end" IS NULL OR pk."end" >= %(d6)s
),
-- Each package's reviews, read in one pass (not once per figure): whether a provider review is
-- overdue on the week's last day (due on or before it, not completed by then) or due in the week
-- (measure 4, KPI 5), and how many reviews of any kind were completed in the week on or before
-- their due date (measure 11).
-- Per package through the package_id index (an aggregate subquery the planner cannot flatten into
-- a scan of every provider's reviews).
rv AS MATERIALIZED (
    SELECT pk.id AS package_id, r.*
    FROM pk
    CROSS JOIN LATERAL (
        SELECT bool_or(rv.kind = 'provider' AND rv.due <= %(d6)s
                       AND (rv.completed IS NULL OR rv.completed > %(d6)s)) AS overdue,
               bool_or(rv.kind = 'provider' AND rv.due BETWEEN %(d0)s AND %(d6)s) AS due_in_week,
               count(*) FILTER (WHERE rv.completed BETWEEN %(d0)s AND %(d6)s AND rv.completed <= rv.due) AS in_time
        FROM outcomes_review rv WHERE rv.package_id = pk.id
    ) r
),
overdue AS (
    SELECT package_id FROM rv WHERE overdue
),
m4 AS (
    SELECT a.lot, count(*) AS packages_due_review
    FROM active_week a JOIN rv ON rv.package_id = a.id
    WHERE rv.overdue OR rv.due_in_week
    GROUP BY a.lot
),
m11 AS (
    SELECT COALESCE(sum(rv.in_time), 0) AS n
    FROM rv JOIN pk ON pk.id = rv.package_id
    WHERE pk.lot = 1
),
-- KPI 5: people with an active package on the last day; met when no provider review of theirs
-- (on any of their packages under this contract) is overdue that day. One row per active package,
-- so a person counts once overall and once in each lot they have a package in.
k5 AS (
    SELECT a.lot, a.person_id AS key,
           NOT EXISTS (SELECT 1 FROM pk p2 JOIN overdue o ON o.package_id = p2.id
                       WHERE p2.person_id = a.person_id) AS met
    FROM active_last a
),
-- KPI 6: people with an active Lot 1 package on the last day, not opted out; met by an assessment
-- in the 122 days up to and including that day, or a Lot 1 package started in the last 42 days.
k6 AS (
    SELECT a.lot, a.person_id AS key,
           EXISTS (SELECT 1 FROM active_last n
                   WHERE n.person_id = a.person_id AND n.lot = 1 AND n.start > %(d6)s::date - 42)
           OR EXISTS (SELECT 1 FROM outcomes_outcomeassessment oa
                      WHERE oa.person_id = a.person_id AND oa.date <= %(d6)s AND oa.date > %(d6)s::date - 122) AS met
    FROM active_last a
    WHERE a.lot = 1 AND NOT a.outcomes_opt_out
),
-- Measures 5 and 10 by lot (more keys than the spec's shape): people with an active package of
-- the lot during the week, and the lot's planned hours on the week's last day.
m5 AS (
    SELECT lot, count(DISTINCT person_id) AS people FROM active_week GROUP BY lot
),
m10 AS (
    SELECT a.lot, sum(s.hours) AS hours
    FROM active_last a JOIN seg s ON s.package_id = a.id AND %(d6)s::date >= s.from_day AND %(d6)s::date < s.to_day
    GROUP BY a.lot
),
-- Measure 10 and its weekly series: hours on each week's last day of packages active that day.
-- One join of the 13 days with the packages' segments (not one subquery per day).
series AS (
    SELECT d.last_day, COALESCE(sum(s.hours), 0) AS hours
    FROM (SELECT gs::date AS last_day
          FROM generate_series(%(w13_d0)s::date + 6, %(d6)s::date, interval '7 days') gs) d
    LEFT JOIN (pk JOIN seg s ON s.package_id = pk.id)
      ON d.last_day >= s.from_day AND d.last_day < s.to_day
     AND pk.start <= d.last_day AND (pk."end" IS NULL OR pk."end" >= d.last_day)
    GROUP BY d.last_day
)
SELECT jsonb_build_object(
    'lots', (SELECT jsonb_object_agg(lots.lot, jsonb_build_object(
                'started', COALESCE(m12.started, 0), 'ended', COALESCE(m12.ended, 0),
                'hours_started', COALESCE(m12.hours_started, 0), 'hours_ended', COALESCE(m12.hours_ended, 0),
                'provider_increases', COALESCE(m3.provider_increases, 0),
                'provider_decreases', COALESCE(m3.provider_decreases, 0),
                'social_worker_increases', COALESCE(m3.social_worker_increases, 0),
                'social_worker_decreases', COALESCE(m3.social_worker_decreases, 0),
                'net_hours', COALESCE(m3.net_hours, 0),
                'packages_due_review', COALESCE(m4.packages_due_review, 0),
                'people_supported', COALESCE(m5.people, 0),
                'care_plan_hours', COALESCE(m10.hours, 0)))
             FROM lots
             LEFT JOIN m12 ON m12.lot = lots.lot
             LEFT JOIN m3 ON m3.lot = lots.lot
             LEFT JOIN m4 ON m4.lot = lots.lot
             LEFT JOIN m5 ON m5.lot = lots.lot
             LEFT JOIN m10 ON m10.lot = lots.lot),
    'people_supported', (SELECT count(DISTINCT person_id) FROM active_week),
    'series', (SELECT jsonb_agg(jsonb_build_object('last_day', last_day, 'hours', hours) ORDER BY last_day) FROM series),
    'lot1_reviewed_in_time', (SELECT n FROM m11),
    'kpi5', (SELECT jsonb_build_object(
                'num', count(DISTINCT key) FILTER (WHERE met), 'den', count(DISTINCT key),
                'lots', (SELECT jsonb_object_agg(lot, jsonb_build_object('num', n, 'den', d)) FROM (
                    SELECT lot, count(DISTINCT key) FILTER (WHERE met) AS n, count(DISTINCT key) AS d
                    FROM k5 GROUP BY lot) x))
             FROM k5),
    'kpi6', (SELECT jsonb_build_object(
                'num', count(DISTINCT key) FILTER (WHERE met), 'den', count(DISTINCT key),
                'lots', (SELECT jsonb_object_agg(lot, jsonb_build_object('num', n, 'den', d)) FROM (
                    SELECT lot, count(DISTINCT key) FILTER (WHERE met) AS n, count(DISTINCT key) AS d
                    FROM k6 GROUP BY lot) x))
             FROM k6)
)::text
