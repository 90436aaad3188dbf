-- The contract's referrals received before the week's end (r), their KPI 2 deadline day (k2)
-- and each one's first delivered visit (first_visit). Included by other statements. A referral
-- still with the provider (or declined, or withdrawn) may have no person yet: it counts all the same.
WITH r AS (
    SELECT r.id, r.ref, r.lot, r.person_id, r.person_ref, r.received, r.priority, r.authorised_delay,
           r.start_agreed, r.outcome, r.decided,
           (r.received AT TIME ZONE 'Europe/London')::date AS received_day
    FROM commissioning_referral r
    WHERE r.contract_id = %(contract_id)s AND r.received < %(we)s
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
    SELECT r.id AS referral_id, fv.visit_id, fv.visit_ref, fv.first_in, fv.planned_start
    FROM r
    CROSS JOIN LATERAL (
        SELECT v.id AS visit_id, v.ref AS visit_ref, a.first_in, v.planned_start
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
    -- Only referrals some figure of this week can use, so the cost follows the week, not the history:
    -- KPIs 3-4 (deadline not before the week), and for measure 9 referrals whose person has a visit
    -- planned in the week but no delivered visit after the referral planned before the week (that
    -- would be its first delivered visit; EXISTS stops at the first one found).
    WHERE r.received + interval '72 hours' >= %(ws)s
       OR (r.outcome NOT IN ('declined', 'withdrawn')
           AND EXISTS (SELECT 1 FROM rota_visit wv WHERE wv.person_id = r.person_id
                         AND wv.planned_start >= %(ws)s AND wv.planned_start < %(we)s)
           AND NOT EXISTS (
               SELECT 1 FROM rota_visit ev
               WHERE ev.person_id = r.person_id AND ev.planned_start < %(ws)s
                 AND (SELECT min(at.check_in) > r.received
                             AND count(DISTINCT at.worker_id) FILTER (
                                 WHERE at.check_in IS NOT NULL AND at.check_out IS NOT NULL) >= ev.carers_required
                      FROM rota_attendance at WHERE at.visit_id = ev.id)))
)
