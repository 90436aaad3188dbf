-- Per care worker: paid shift minutes in the week, plus planned visit minutes outside any shift (the
-- rules' "week's hours"). The shift test is range containment, which the shifts' GiST index
-- (worker, span) answers.
SELECT w.id,
       COALESCE((SELECT sum(extract(epoch FROM s."end" - s.start) / 60 - s.unpaid_break_minutes)
                 FROM rota_shift s
                 WHERE s.worker_id = w.id AND s.start >= %(ws)s AND s.start < %(we)s), 0)
       + COALESCE((SELECT sum(extract(epoch FROM v.planned_end - v.planned_start) / 60)
                   FROM rota_assignment a JOIN rota_visit v ON v.id = a.visit_id
                   WHERE a.worker_id = w.id AND v.planned_start >= %(ws)s AND v.planned_start < %(we)s
                     AND v.status <> ALL (%(gone)s)
                     AND NOT EXISTS (SELECT 1 FROM rota_shift s
                                     WHERE s.worker_id = w.id
                                       AND tstzrange(s.start, s."end") @> tstzrange(v.planned_start, v.planned_end))),
                  0)
FROM unnest(%(ids)s::bigint[]) AS w(id)
