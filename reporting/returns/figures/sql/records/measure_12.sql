-- Measure 12: each person's latest assessment in the 17-week window and the one before it.
WITH oa AS (
    SELECT o.person_id, o.ref, o.date, o.wellbeing_independence AS wi, o.home AS ho, o.community AS co,
           lag(o.ref) OVER w AS p_ref, lag(o.date) OVER w AS p_date,
           lag(o.wellbeing_independence + o.home + o.community) OVER w AS p_total,
           row_number() OVER (PARTITION BY o.person_id ORDER BY o.date DESC, o.id DESC) AS latest
    FROM outcomes_outcomeassessment o JOIN outcomes_person pe ON pe.id = o.person_id
    WHERE pe.contract_id = %(contract_id)s AND o.date <= %(d6)s
    WINDOW w AS (PARTITION BY o.person_id ORDER BY o.date, o.id)
)
SELECT pe.ref AS person, oa.ref AS assessment, oa.date, oa.wi AS wellbeing_independence, oa.ho AS home,
       oa.co AS community, oa.wi + oa.ho + oa.co AS total, oa.p_ref AS previous, oa.p_date AS previous_date,
       oa.p_total AS previous_total,
       CASE WHEN oa.p_total IS NULL THEN NULL WHEN oa.wi + oa.ho + oa.co > oa.p_total THEN 'improved'
            WHEN oa.wi + oa.ho + oa.co = oa.p_total THEN 'unchanged' ELSE 'worse' END AS progress
FROM oa JOIN outcomes_person pe ON pe.id = oa.person_id
WHERE oa.latest = 1 AND oa.date >= %(w17_d0)s
ORDER BY pe.ref
