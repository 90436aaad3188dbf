-- Referral figures: KPIs 1-4 and measure 9, in one statement. Times are real elapsed time;
-- "days" are London calendar days; working days skip weekends and %(holidays)s (England).
WITH r AS (
    SELECT r.id, r.ref, r.lot, r.person_id, r.received, r.priority, r.authorised_delay,
           r.start_agreed, r.outcome, r.decided,
           (r.received AT TIME ZONE 'Europe/London')::date AS received_day
    FROM commissioning_referral r
    JOIN outcomes_person pe ON pe.id = r.person_id
    WHERE pe.contract_id = %(contract_id)s AND r.received < %(we)s
),
-- KPI 2: the deadline is the end of the first working day after the day the referral arrived.
k2 AS (
    SELECT r.*, d.deadline_day
    FROM r
    CROSS JOIN LATERAL (
        SELECT min(gs::date) AS deadline_day
        FROM generate_series(r.received_day + 1, r.received_day + 30, interval '1 day') gs
        WHERE extract(isodow FROM gs) < 6 AND NOT (gs::date = ANY(%(holidays)s::date[]))
    ) d
    WHERE r.received_day >= %(d0)s::date - 30
),
-- The person's first delivered visit whose earliest check-in is after the referral was received.
first_visit AS (
    SELECT r.id AS referral_id, fv.visit_id, fv.first_in, fv.planned_start
    FROM r
    CROSS JOIN LATERAL (
        SELECT v.id AS visit_id, a.first_in, v.planned_start
        FROM rota_visit v
        CROSS JOIN LATERAL (
            SELECT min(at.check_in) AS first_in,
                   count(DISTINCT at.worker_id) FILTER (
                       WHERE at.check_in IS NOT NULL AND at.check_out IS NOT NULL) AS done
            FROM rota_attendance at WHERE at.visit_id = v.id
        ) a
        WHERE v.person_id = r.person_id AND a.done >= v.carers_required AND a.first_in > r.received
        ORDER BY a.first_in, v.id
        LIMIT 1
    ) fv
    -- Only referrals some figure of this week can use, so the cost follows the week, not the history.
    WHERE r.received + interval '72 hours' >= %(ws)s
       OR (r.outcome NOT IN ('declined', 'withdrawn') AND EXISTS (
              SELECT 1 FROM rota_visit wv WHERE wv.person_id = r.person_id
                AND wv.planned_start >= %(ws)s AND wv.planned_start < %(we)s))
),
k34 AS (
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
)
SELECT jsonb_build_object(
    'kpi1', (SELECT jsonb_build_object(
                'num', count(*) FILTER (WHERE outcome = 'started'),
                'den', count(*) FILTER (WHERE outcome IN ('started', 'declined')))
             FROM r WHERE decided >= %(ws)s AND decided < %(we)s),
    'kpi2', (SELECT jsonb_build_object(
                'num', count(*) FILTER (
                    WHERE start_agreed < ((deadline_day + 1)::timestamp AT TIME ZONE 'Europe/London')),
                'den', count(*))
             FROM k2
             WHERE deadline_day BETWEEN %(d0)s AND %(d6)s
               AND NOT priority AND NOT authorised_delay AND outcome NOT IN ('declined', 'withdrawn')),
    'kpi3', (SELECT jsonb_build_object(
                'num', count(*) FILTER (WHERE first_in <= received + interval '72 hours'),
                'den', count(*))
             FROM k34
             WHERE received + interval '72 hours' >= %(ws)s AND received + interval '72 hours' < %(we)s
               AND NOT priority AND NOT authorised_delay AND outcome NOT IN ('declined', 'withdrawn')),
    'kpi4', (SELECT jsonb_build_object(
                'num', count(*) FILTER (WHERE first_in <= received + interval '48 hours'),
                'den', count(*))
             FROM k34
             WHERE received + interval '48 hours' >= %(ws)s AND received + interval '48 hours' < %(we)s
               AND priority AND outcome NOT IN ('declined', 'withdrawn')),
    'm9_cases', (SELECT COALESCE(jsonb_agg(jsonb_build_object('referral', ref, 'days', days) ORDER BY days, ref),
                                 '[]'::jsonb) FROM m9),
    'm9_median', (SELECT CASE WHEN n = 0 THEN NULL
                              ELSE (a[((n + 1) / 2)::int] + a[(n / 2 + 1)::int]) / 2 END FROM m9s),
    'm9_mean', (SELECT mean FROM m9s)
)::text
