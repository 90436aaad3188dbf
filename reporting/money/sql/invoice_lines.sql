-- An invoice's lines and exceptions in one statement, with no CTE (materialised), no sort and no hash:
-- - The outer rows are the lot's rates, each as the London-midnight instants it is in force between
--   (plus a rate-less span before the first rate, so a visit with no rate is still seen and refused).
--   Each span reads the period's visits by one bitmap scan of the (provider, planned_start) index,
--   keeps those inside the span and sums them in one plain aggregate, so no visit is converted to
--   its London date and nothing is sorted or hashed by rate (a period has one span, two at most).
-- - Each visit's completed attendances are rounded and summed by an index look-up on
--   rota_attendance (visit); the sum of per-attendance rounded minutes is what its detail rows
--   (invoice_detail.sql) add up to.
-- - Bank holidays are one multirange of London days, built once; only hospital visits need their
--   London date, for the stay's days.
-- - Python (invoice_compute.py) turns each span's minutes (care, short, their uplifts, retainer,
--   late cancellation) into priced lines, merging spans that share a rate.
-- Missed: not called off, and `missed` or no attendance with both check-in and check-out.
-- Short-staffed: some but fewer than `carers_required` distinct workers completed it (COUNT(*)
-- counts distinct workers: one attendance per worker per visit is a database constraint). A visit
-- still ahead (planned to end after now) with nothing recorded is not yet an exception.
-- The last row (what = 'end_rate') is the care rate on the period's last day, which prices a
-- guarantee top-up.
SELECT 'rate' AS what, s.rate, t.*
FROM (
    SELECT s.rate, GREATEST(s.from_ts, %(start_ts)s) AS lo, LEAST(s.until_ts, %(end_ts)s) AS hi
    FROM (
        SELECT lr.hourly_rate AS rate, lr.effective_from::timestamp AT TIME ZONE 'Europe/London' AS from_ts,
               COALESCE(lead(lr.effective_from) OVER (ORDER BY lr.effective_from), 'infinity'::date)::timestamp
                   AT TIME ZONE 'Europe/London' AS until_ts
        FROM commissioning_lotrate lr WHERE lr.lot_id = %(lot_id)s
        UNION ALL
        SELECT NULL, '-infinity'::timestamptz,
               COALESCE((SELECT MIN(lr.effective_from) FROM commissioning_lotrate lr WHERE lr.lot_id = %(lot_id)s),
                        'infinity'::date)::timestamp AT TIME ZONE 'Europe/London'
    ) s
    WHERE GREATEST(s.from_ts, %(start_ts)s) < LEAST(s.until_ts, %(end_ts)s)
) s
CROSS JOIN (
    SELECT range_agg(tstzrange(b::timestamp AT TIME ZONE 'Europe/London',
                               (b + 1)::timestamp AT TIME ZONE 'Europe/London')) AS days
    FROM unnest(%(bank_holidays)s::date[]) b
) bh
CROSS JOIN LATERAL (
    SELECT SUM(v.billed_min) FILTER (WHERE v.billed AND NOT v.short) AS care_min,
           SUM(v.billed_min) FILTER (WHERE v.billed AND v.short) AS short_min,
           SUM(v.billed_min) FILTER (WHERE v.billed AND NOT v.short AND v.bank_holiday) AS care_uplift_min,
           SUM(v.billed_min) FILTER (WHERE v.billed AND v.short AND v.bank_holiday) AS short_uplift_min,
           SUM(v.planned_min * v.carers_required * %(retainer_share)s::numeric) FILTER (WHERE v.retained) AS retainer_min,
           SUM(v.planned_min * v.carers_required * %(late_share)s::numeric) FILTER (WHERE v.late) AS late_min,
           array_agg(v.id) FILTER (WHERE v.exception = 'missed') AS missed_ids,
           array_agg(v.ref) FILTER (WHERE v.exception = 'missed') AS missed_refs,
           array_agg(v.id) FILTER (WHERE v.exception = 'short_staffed') AS short_staffed_ids,
           array_agg(v.ref) FILTER (WHERE v.exception = 'short_staffed') AS short_staffed_refs
    FROM (
        SELECT v.id, v.ref, v.planned_min, v.carers_required, a.minutes AS billed_min,
               COALESCE(v.planned_min < %(short_min)s::numeric, false) AS short,
               v.status IN ('scheduled', 'completed') AND a.n > 0 AS billed,
               COALESCE(v.planned_start <@ bh.days, false) AS bank_holiday,
               -- Retainer: hospital visits within the first N days of a stay (admission date is day 1).
               CASE WHEN v.status = 'hospital' AND %(retainer_share)s::numeric IS NOT NULL THEN EXISTS (
                   SELECT FROM outcomes_hospitalstay hs
                   CROSS JOIN LATERAL (SELECT (v.planned_start AT TIME ZONE 'Europe/London')::date AS d) vd
                   WHERE hs.person_id = v.person_id
                     AND vd.d >= (hs.admitted AT TIME ZONE 'Europe/London')::date
                     AND vd.d < (hs.admitted AT TIME ZONE 'Europe/London')::date + %(retainer_days)s::int
                     AND (hs.discharged IS NULL OR vd.d <= (hs.discharged AT TIME ZONE 'Europe/London')::date))
               ELSE false END AS retained,
               -- Late cancellation by the person: notice later than H hours before the planned start.
               (v.status = 'cancelled_by_person' AND %(late_share)s::numeric IS NOT NULL
                AND v.cancelled_at > v.planned_start - %(late_hours)s::float8 * INTERVAL '1 hour') IS TRUE AS late,
               CASE WHEN v.status <> ALL(%(called_off)s::text[])
                         AND (v.status = 'missed' OR a.n < v.carers_required)
                         AND NOT (v.status = 'scheduled' AND a.n = 0 AND v.planned_end > %(now)s)
                    THEN CASE WHEN v.status = 'missed' OR a.n = 0 THEN 'missed' ELSE 'short_staffed' END
               END AS exception
        FROM (
            SELECT v.id, v.ref, v.status, v.carers_required, v.planned_start, v.planned_end, v.cancelled_at,
                   v.person_id, EXTRACT(EPOCH FROM (v.planned_end - v.planned_start)) / 60 AS planned_min
            FROM rota_visit v
            JOIN outcomes_person p ON p.id = v.person_id
            WHERE v.provider_id = %(provider_id)s AND p.contract_id = %(contract_id)s AND p.lot = %(lot)s
              AND v.planned_start >= %(start_ts)s AND v.planned_start < %(end_ts)s
              -- The span as a filter, not an index bound: with constant bounds the planner sees how
              -- many visits the period has and reads them with one bitmap scan in heap order.
              AND v.planned_start + INTERVAL '0 s' >= s.lo AND v.planned_start + INTERVAL '0 s' < s.hi
            OFFSET 0  -- planned_min is computed once per visit, not in every expression using it
        ) v
        CROSS JOIN LATERAL (
            SELECT COUNT(*) AS n, SUM(FLOOR(CASE
                    WHEN %(basis)s = 'planned' THEN v.planned_min
                    -- The tolerance: an actual of at least tolerance_share x planned bills as planned.
                    WHEN m.actual_min >= %(tolerance)s::numeric * v.planned_min THEN v.planned_min
                    WHEN %(basis)s = 'actual' THEN m.actual_min
                    ELSE LEAST(m.actual_min, v.planned_min)
                END / %(rounding)s::numeric + 0.5) * %(rounding)s::numeric) AS minutes  -- nearest increment, halves up
            FROM rota_attendance a
            CROSS JOIN LATERAL (SELECT EXTRACT(EPOCH FROM (a.check_out - a.check_in)) / 60 AS actual_min) m
            WHERE a.visit_id = v.id AND a.check_in IS NOT NULL AND a.check_out IS NOT NULL
        ) a
    ) v
) t
UNION ALL
-- The care rate on the period's last day, which prices a guarantee top-up.
SELECT 'end_rate', (SELECT lr.hourly_rate FROM commissioning_lotrate lr
                    WHERE lr.lot_id = %(lot_id)s AND lr.effective_from <= %(end_day)s::date
                    ORDER BY lr.effective_from DESC LIMIT 1),
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
