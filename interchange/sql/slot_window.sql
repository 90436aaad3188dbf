-- A care plan slot starts inside its window (earliest <= start <= latest), where the bundle gives one.
SELECT {{index}}, CASE WHEN s.earliest > s.start THEN 'earliest is after start' ELSE 'latest is before start' END
FROM {{table}} s
WHERE NOT s.bad AND (s.earliest > s.start OR s.latest < s.start)
LIMIT %(limit)s
