-- Measure 21: changes effective in the 13 weeks for rehabilitation, enablement or community
-- connections, not rejected (nor waiting for prior approval), with the hours before them (decreases are
-- counted).
SELECT c.ref AS change, pk.ref AS package, pe.ref AS person, c.effective, c.reason, c.decision,
       prev.hours AS hours_before, c.new_weekly_hours AS hours_after, c.new_weekly_hours < prev.hours AS decrease
FROM outcomes_packagechange c
JOIN outcomes_package pk ON pk.id = c.package_id
JOIN outcomes_person pe ON pe.id = pk.person_id
CROSS JOIN LATERAL (
    SELECT COALESCE((SELECT c2.new_weekly_hours FROM outcomes_packagechange c2
                     WHERE c2.package_id = c.package_id AND c2.effective < c.effective
                       AND NOT (c2.decision = 'rejected' AND c2.decided <= c.effective)
                       AND NOT (c2.prior_approval AND c2.decision <> 'approved')
                     ORDER BY c2.effective DESC, c2.id DESC LIMIT 1), pk.planned_weekly_hours) AS hours
) prev
WHERE pe.contract_id = %(contract_id)s AND c.effective BETWEEN %(w13_d0)s AND %(d6)s
  AND c.decision <> 'rejected' AND NOT (c.prior_approval AND c.decision <> 'approved')
  AND c.reason IN ('rehabilitation', 'enablement', 'community_connection')
ORDER BY c.effective, c.ref
