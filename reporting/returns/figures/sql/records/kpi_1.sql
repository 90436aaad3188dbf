-- KPI 1: referrals decided in the week; counted when started or declined, met when started.
-- include: referrals_base
SELECT r.ref AS referral, COALESCE(pe.ref, NULLIF(r.person_ref, '')) AS person, r.lot, to_char(r.received AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') AS received,
       to_char(r.decided AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') AS decided, r.outcome,
       r.outcome IN ('started', 'declined') AS counted, r.outcome = 'started' AS met
FROM r LEFT JOIN outcomes_person pe ON pe.id = r.person_id
WHERE r.decided >= %(ws)s AND r.decided < %(we)s
ORDER BY r.decided, r.ref
