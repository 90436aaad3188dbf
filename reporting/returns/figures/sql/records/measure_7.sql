-- Measure 7: hospital stays overlapping the week.
SELECT hs.ref AS stay, pe.ref AS person,
       to_char(hs.admitted AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') AS admitted,
       to_char(hs.discharged AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') AS discharged
FROM outcomes_hospitalstay hs JOIN outcomes_person pe ON pe.id = hs.person_id
WHERE pe.contract_id = %(contract_id)s AND hs.admitted < %(we)s AND (hs.discharged IS NULL OR hs.discharged > %(ws)s)
ORDER BY pe.ref, hs.admitted
