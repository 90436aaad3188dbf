-- KPI 2: referrals whose deadline (end of the first working day after receipt) falls in the week.
-- include: referrals_base
SELECT k2.ref AS referral, COALESCE(pe.ref, NULLIF(k2.person_ref, '')) AS person, k2.lot,
       to_char(k2.received AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') AS received,
       k2.deadline_day || ' 23:59' AS deadline,
       to_char(k2.start_agreed AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') AS start_agreed,
       k2.priority, k2.authorised_delay, k2.outcome,
       NOT k2.priority AND NOT k2.authorised_delay AND k2.outcome NOT IN ('declined', 'withdrawn') AS counted,
       COALESCE(k2.start_agreed < ((k2.deadline_day + 1)::timestamp AT TIME ZONE 'Europe/London'), false) AS met
FROM k2 LEFT JOIN outcomes_person pe ON pe.id = k2.person_id
WHERE k2.deadline_day BETWEEN %(d0)s AND %(d6)s
ORDER BY k2.received, k2.ref
