-- Measure 3: changes taking effect in the week, and rejections (reverting) decided in the week.
-- include: packages_base
, ev AS (
    SELECT c.ref, c.package_id, c.by AS who, 'change' AS event, c.effective AS day, c.reason, c.decision FROM ch c
    WHERE c.effective BETWEEN %(d0)s AND %(d6)s
    UNION ALL
    SELECT c.ref, c.package_id, 'social_worker', 'rejection', c.decided, c.reason, c.decision FROM ch c
    WHERE c.decision = 'rejected' AND c.decided BETWEEN %(d0)s AND %(d6)s AND c.decided > c.effective
)
SELECT ev.ref AS change, pk.ref AS package, pk.lot, ev.event, ev.who AS by, ev.day, ev.reason, ev.decision,
       s_before.hours AS hours_before, s_now.hours AS hours_after, s_now.hours - s_before.hours AS net_hours
FROM ev
JOIN pk ON pk.id = ev.package_id
JOIN seg s_now ON s_now.package_id = ev.package_id AND ev.day >= s_now.from_day AND ev.day < s_now.to_day
JOIN seg s_before ON s_before.package_id = ev.package_id
    AND ev.day - 1 >= s_before.from_day AND ev.day - 1 < s_before.to_day
ORDER BY pk.lot, ev.day, ev.ref
