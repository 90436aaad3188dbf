-- KPI 5: people with an active package on the week's last day and their overdue provider reviews.
-- include: packages_base
, overdue AS (
    SELECT pk.person_id, string_agg(rv.ref || ' (due ' || rv.due || ')', ', ' ORDER BY rv.due) AS reviews
    FROM outcomes_review rv JOIN pk ON pk.id = rv.package_id
    WHERE rv.kind = 'provider' AND rv.due <= %(d6)s AND (rv.completed IS NULL OR rv.completed > %(d6)s)
    GROUP BY pk.person_id
)
SELECT pe.ref AS person, string_agg(DISTINCT pk.ref, ', ') AS packages, o.reviews AS overdue_reviews,
       true AS counted, o.reviews IS NULL AS met
FROM pk
JOIN outcomes_person pe ON pe.id = pk.person_id
LEFT JOIN overdue o ON o.person_id = pk.person_id
WHERE pk."end" IS NULL OR pk."end" >= %(d6)s
GROUP BY pe.ref, o.reviews
ORDER BY pe.ref
