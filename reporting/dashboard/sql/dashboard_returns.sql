-- For each contract and week in range: the latest version the viewer may see (commissioners: submitted
-- only), with when the week's return was first submitted (any version), and only the parts of its
-- figures the dashboard shows (the KPIs, and the key measures in the week asked for): a city's
-- returns hold per-worker lists no dashboard needs to read.
SELECT DISTINCT ON (wr.contract_id, wr.week_start)
       wr.id, wr.contract_id, wr.week_start, wr.version, wr.status, wr.submitted_at,
       min(wr.submitted_at) OVER (PARTITION BY wr.contract_id, wr.week_start) AS first_submitted_at,
       wr.figures -> 'kpis' AS kpis,
       CASE WHEN wr.week_start = %(week)s THEN jsonb_build_object(
           '5', wr.figures -> 'measures' -> '5',
           '6', wr.figures -> 'measures' -> '6',
           '10', (wr.figures -> 'measures' -> '10') - 'weekly_series',
           '14', wr.figures -> 'measures' -> '14',
           '16', wr.figures -> 'measures' -> '16',
           '17', wr.figures -> 'measures' -> '17') END AS measures
FROM reporting_weeklyreturn wr
WHERE wr.contract_id = ANY(%(contracts)s) AND wr.week_start BETWEEN %(first)s AND %(week)s
  AND (NOT %(submitted_only)s OR wr.status = 'submitted')
ORDER BY wr.contract_id, wr.week_start, wr.version DESC
