-- Referral figures: KPIs 1-4 and measure 9, in one statement. Times are real elapsed time;
-- "days" are London calendar days; working days skip weekends and bank holidays in England.
-- include: referrals_base
, k34 AS (
    SELECT r.*, fv.first_in, fv.planned_start AS first_planned_start
    FROM r LEFT JOIN first_visit fv ON fv.referral_id = r.id
    WHERE r.received + interval '72 hours' >= %(ws)s AND r.received + interval '48 hours' < %(we)s
),
m9 AS (
    SELECT r.ref, extract(epoch FROM fv.first_in - r.received) / 86400 AS days
    FROM r JOIN first_visit fv ON fv.referral_id = r.id
    WHERE fv.planned_start >= %(ws)s AND fv.planned_start < %(we)s
      AND r.outcome NOT IN ('declined', 'withdrawn')
),
m9s AS (
    SELECT array_agg(days ORDER BY days) AS a, count(*) AS n, avg(days) AS mean FROM m9
),
-- Each KPI's counted referrals as rows (lot, key, met), aggregated overall and by lot below.
k1 AS (
    SELECT lot, id AS key, outcome = 'started' AS met FROM r
    WHERE decided >= %(ws)s AND decided < %(we)s AND outcome IN ('started', 'declined')
),
k2r AS (
    SELECT lot, id AS key,
           COALESCE(start_agreed < ((deadline_day + 1)::timestamp AT TIME ZONE 'Europe/London'), false) AS met
    FROM k2
    WHERE deadline_day BETWEEN %(d0)s AND %(d6)s
      AND NOT priority AND NOT authorised_delay AND outcome NOT IN ('declined', 'withdrawn')
),
k3 AS (
    SELECT lot, id AS key, COALESCE(first_in <= received + interval '72 hours', false) AS met FROM k34
    WHERE received + interval '72 hours' >= %(ws)s AND received + interval '72 hours' < %(we)s
      AND NOT priority AND NOT authorised_delay AND outcome NOT IN ('declined', 'withdrawn')
),
k4 AS (
    SELECT lot, id AS key, COALESCE(first_in <= received + interval '48 hours', false) AS met FROM k34
    WHERE received + interval '48 hours' >= %(ws)s AND received + interval '48 hours' < %(we)s
      AND priority AND outcome NOT IN ('declined', 'withdrawn')
)
SELECT jsonb_build_object(
    'kpi1', (SELECT jsonb_build_object(
                'num', count(DISTINCT key) FILTER (WHERE met), 'den', count(DISTINCT key),
                'lots', (SELECT jsonb_object_agg(lot, jsonb_build_object('num', n, 'den', d)) FROM (
                    SELECT lot, count(DISTINCT key) FILTER (WHERE met) AS n, count(DISTINCT key) AS d
                    FROM k1 GROUP BY lot) x))
             FROM k1),
    'kpi2', (SELECT jsonb_build_object(
                'num', count(DISTINCT key) FILTER (WHERE met), 'den', count(DISTINCT key),
                'lots', (SELECT jsonb_object_agg(lot, jsonb_build_object('num', n, 'den', d)) FROM (
                    SELECT lot, count(DISTINCT key) FILTER (WHERE met) AS n, count(DISTINCT key) AS d
                    FROM k2r GROUP BY lot) x))
             FROM k2r),
    'kpi3', (SELECT jsonb_build_object(
                'num', count(DISTINCT key) FILTER (WHERE met), 'den', count(DISTINCT key),
                'lots', (SELECT jsonb_object_agg(lot, jsonb_build_object('num', n, 'den', d)) FROM (
                    SELECT lot, count(DISTINCT key) FILTER (WHERE met) AS n, count(DISTINCT key) AS d
                    FROM k3 GROUP BY lot) x))
             FROM k3),
    'kpi4', (SELECT jsonb_build_object(
                'num', count(DISTINCT key) FILTER (WHERE met), 'den', count(DISTINCT key),
                'lots', (SELECT jsonb_object_agg(lot, jsonb_build_object('num', n, 'den', d)) FROM (
                    SELECT lot, count(DISTINCT key) FILTER (WHERE met) AS n, count(DISTINCT key) AS d
                    FROM k4 GROUP BY lot) x))
             FROM k4),
    'm9_cases', (SELECT COALESCE(jsonb_agg(jsonb_build_object('referral', ref, 'days', days) ORDER BY days, ref),
                                 '[]'::jsonb) FROM m9),
    'm9_median', (SELECT CASE WHEN n = 0 THEN NULL
                              ELSE (a[((n + 1) / 2)::int] + a[(n / 2 + 1)::int]) / 2 END FROM m9s),
    'm9_mean', (SELECT mean FROM m9s)
)::text
