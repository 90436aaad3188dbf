-- One figure of every visible return over a range of weeks: the latest version the viewer may see per
-- contract and week, with only that figure's object read out of the stored document (per-worker lists,
-- case lists and titles left behind).
SELECT DISTINCT ON (wr.contract_id, wr.week_start)
       wr.id, wr.contract_id, wr.week_start, wr.status,
       (wr.figures -> %(section)s -> %(number)s) - 'weekly_series' - 'by_worker' - 'titles' - 'cases' - 'domains'
           AS figure
FROM reporting_weeklyreturn wr
WHERE wr.contract_id = ANY(%(contracts)s) AND wr.week_start BETWEEN %(first)s AND %(last)s
  AND (NOT %(submitted_only)s OR wr.status = 'submitted')
ORDER BY wr.contract_id, wr.week_start, wr.version DESC
