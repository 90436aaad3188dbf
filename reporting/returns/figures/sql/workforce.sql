-- Workforce figures over the 4-week window (measures 14, 15, 16, 17). Workers belong to a provider,
-- not a contract, so these are the provider's figures, the same in each of its contracts' returns
-- (except spend, entered per contract).
-- The window's shifts: an index-only range over (provider, start), which carries these columns.
WITH sh AS (
    SELECT s.worker_id, s.start, s."end", s.unpaid_break_minutes
    FROM rota_shift s
    WHERE s.provider_id = %(provider_id)s AND s.start >= %(w4_ws)s AND s.start < %(we)s
),
-- Measure 14 from the window's per-shift totals (rota_shifttotals: attendances, contact time and
-- travel minutes, kept up to date by triggers whenever attendances, shifts, homes or travel modes
-- change; rules in rota/sql/shift_totals.sql). Shifts partition the window by their start, so the
-- sums are exact: one index-only range over the provider's window instead of four weeks of
-- attendances.
travel AS (
    SELECT COALESCE(sum(f.attendances), 0) AS attendances,
           COALESCE(sum(f.travel_minutes), 0) AS minutes,
           COALESCE(extract(epoch FROM sum(f.contact)) / 60, 0) AS contact_minutes
    FROM rota_shifttotals f
    WHERE f.provider_id = %(provider_id)s AND f.start >= %(w4_ws)s AND f.start < %(we)s
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
-- Block pay of the window's shifts (paid hours x the worker's rate), summed once; direct cost is
-- that times the provider's on-cost factor.
cost AS (
    SELECT count(*) AS shifts,
           sum((extract(epoch FROM sh."end" - sh.start) / 60 - sh.unpaid_break_minutes) / 60 * wk.pay_rate) AS pay
    FROM sh LEFT JOIN wk ON wk.id = sh.worker_id
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
    'shifts', (SELECT shifts FROM cost),
    'direct_cost', (SELECT pay * (SELECT on_cost_factor FROM commissioning_organisation WHERE id = %(provider_id)s)
                    FROM cost),
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
