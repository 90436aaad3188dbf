-- A person's visits week by week: status, planned hours, and whether (and for how long) delivered,
-- from the per-visit totals the database keeps (carers with check-in and check-out, longest attendance).
SELECT date_trunc('week', v.planned_start AT TIME ZONE 'Europe/London')::date AS week, v.status,
       extract(epoch FROM v.planned_end - v.planned_start) / 3600 AS hours,
       COALESCE(f.carers_done, 0) >= v.carers_required AS delivered,
       COALESCE(extract(epoch FROM f.longest) / 3600, 0) AS delivered_hours
FROM rota_visit v LEFT JOIN rota_visittotals f ON f.visit_id = v.id
WHERE v.provider_id = %(provider)s AND v.person_id = %(person)s
  AND v.planned_start >= %(start)s AND v.planned_start < %(end)s
