-- Measure 9: referrals whose first delivered visit was planned in the week, and the days to it.
-- include: referrals_base
SELECT r.ref AS referral, COALESCE(pe.ref, NULLIF(r.person_ref, '')) AS person,
       to_char(r.received AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') AS received,
       fv.visit_ref AS first_delivered_visit,
       to_char(fv.first_in AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') AS first_check_in,
       round(extract(epoch FROM fv.first_in - r.received) / 86400, 1) AS days
FROM r
LEFT JOIN outcomes_person pe ON pe.id = r.person_id
JOIN first_visit fv ON fv.referral_id = r.id
WHERE fv.planned_start >= %(ws)s AND fv.planned_start < %(we)s AND r.outcome NOT IN ('declined', 'withdrawn')
ORDER BY fv.first_in
