-- KPI 4: referrals whose deadline (received + 48 real hours) falls in the week.
-- include: referrals_base
SELECT r.ref AS referral, COALESCE(pe.ref, NULLIF(r.person_ref, '')) AS person, r.lot,
       to_char(r.received AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') AS received,
       to_char((r.received + interval '48 hours') AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') AS deadline,
       fv.visit_ref AS first_delivered_visit,
       to_char(fv.first_in AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') AS first_check_in,
       r.priority, r.authorised_delay, r.outcome,
       r.priority AND r.outcome NOT IN ('declined', 'withdrawn') AS counted,
       COALESCE(fv.first_in <= r.received + interval '48 hours', false) AS met
FROM r
LEFT JOIN outcomes_person pe ON pe.id = r.person_id
LEFT JOIN first_visit fv ON fv.referral_id = r.id
WHERE r.received + interval '48 hours' >= %(ws)s AND r.received + interval '48 hours' < %(we)s
ORDER BY r.received, r.ref
