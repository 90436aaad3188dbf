-- Leading and lagging measures over longer windows (12, 13, 18-29), in one statement.
-- Windows are whole reporting weeks ending with the return's week: 17 weeks (measure 12),
-- 13 (quarterly), 26 (half-yearly), 52 (annual).
WITH people AS (
    SELECT id FROM outcomes_person WHERE contract_id = %(contract_id)s
),
-- Measure 12: each person's latest assessment up to the week's end, if it is in the window, against
-- the one before it (any date, ordered by date then id). Two index look-ups per person through
-- person_id, so the cost follows the contract's people, not the years of assessments.
m12 AS (
    SELECT l.date, l.wi, l.ho, l.co, pr.p_wi, pr.p_ho, pr.p_co
    FROM people
    CROSS JOIN LATERAL (
        SELECT o.id, o.date, o.wellbeing_independence AS wi, o.home AS ho, o.community AS co
        FROM outcomes_outcomeassessment o
        WHERE o.person_id = people.id AND o.date <= %(d6)s
        ORDER BY o.date DESC, o.id DESC LIMIT 1
    ) l
    LEFT JOIN LATERAL (
        SELECT o.wellbeing_independence AS p_wi, o.home AS p_ho, o.community AS p_co
        FROM outcomes_outcomeassessment o
        WHERE o.person_id = people.id AND (o.date, o.id) < (l.date, l.id)
        ORDER BY o.date DESC, o.id DESC LIMIT 1
    ) pr ON true
    WHERE l.date >= %(w17_d0)s
),
ev AS (
    SELECT kind, date, ref, title FROM outcomes_event
    WHERE provider_id = %(provider_id)s AND date BETWEEN %(w52_d0)s AND %(d6)s
),
ev_q AS (
    SELECT kind, count(*) AS n, jsonb_agg(title ORDER BY date, ref) AS titles
    FROM ev WHERE date >= %(w13_d0)s GROUP BY kind
),
chg AS (
    -- Measure 21: decreases for rehabilitation, enablement or community connections that took
    -- effect in the quarter and were not rejected (nor are waiting for prior approval).
    SELECT pk.person_id, c.reason,
           c.new_weekly_hours - COALESCE((SELECT c2.new_weekly_hours FROM outcomes_packagechange c2
                                          WHERE c2.package_id = c.package_id AND c2.effective < c.effective
                                            AND NOT (c2.decision = 'rejected' AND c2.decided <= c.effective)
                                            AND NOT (c2.prior_approval AND c2.decision <> 'approved')
                                          ORDER BY c2.effective DESC, c2.id DESC LIMIT 1),
                                         pk.planned_weekly_hours) AS delta
    FROM outcomes_packagechange c
    JOIN outcomes_package pk ON pk.id = c.package_id
    JOIN people ON people.id = pk.person_id
    WHERE c.effective BETWEEN %(w13_d0)s AND %(d6)s AND c.decision <> 'rejected'
      AND NOT (c.prior_approval AND c.decision <> 'approved')
      AND c.reason IN ('rehabilitation', 'enablement', 'community_connection')
)
SELECT jsonb_build_object(
    'm12', (SELECT jsonb_build_object(
                'assessed', count(*),
                'compared', count(*) FILTER (WHERE p_wi IS NOT NULL),
                'improved', count(*) FILTER (WHERE wi + ho + co > p_wi + p_ho + p_co),
                'unchanged', count(*) FILTER (WHERE wi + ho + co = p_wi + p_ho + p_co),
                'worse', count(*) FILTER (WHERE wi + ho + co < p_wi + p_ho + p_co),
                'domains', jsonb_build_object(
                    'wellbeing_independence', jsonb_build_object(
                        'improved', count(*) FILTER (WHERE wi > p_wi), 'unchanged', count(*) FILTER (WHERE wi = p_wi),
                        'worse', count(*) FILTER (WHERE wi < p_wi), 'net_change', sum(wi - p_wi)),
                    'home', jsonb_build_object(
                        'improved', count(*) FILTER (WHERE ho > p_ho), 'unchanged', count(*) FILTER (WHERE ho = p_ho),
                        'worse', count(*) FILTER (WHERE ho < p_ho), 'net_change', sum(ho - p_ho)),
                    'community', jsonb_build_object(
                        'improved', count(*) FILTER (WHERE co > p_co), 'unchanged', count(*) FILTER (WHERE co = p_co),
                        'worse', count(*) FILTER (WHERE co < p_co), 'net_change', sum(co - p_co))))
            FROM m12),
    'events', COALESCE((SELECT jsonb_object_agg(kind, jsonb_build_object('n', n, 'titles', titles)) FROM ev_q),
                       '{}'::jsonb),
    'staff_survey', (SELECT jsonb_build_object('surveys', count(*), 'responses', sum(responses),
                                               'score_x_responses', sum(mean_score * responses))
                     FROM workforce_staffsurvey
                     WHERE provider_id = %(provider_id)s AND date BETWEEN %(w26_d0)s AND %(d6)s),
    'training', (SELECT jsonb_build_object(
                    'records', (SELECT count(*) FROM workforce_trainingrecord t
                                WHERE t.provider_id = %(provider_id)s AND t.date BETWEEN %(w52_d0)s AND %(d6)s),
                    'workers', COALESCE(jsonb_agg(jsonb_build_object(
                                   'worker', w.ref, 'courses', tr.courses, 'hours', tr.hours) ORDER BY w.ref), '[]'))
                 FROM workforce_worker w
                 CROSS JOIN LATERAL (
                     SELECT count(t.id) AS courses, COALESCE(sum(t.hours), 0) AS hours
                     FROM workforce_trainingrecord t
                     WHERE t.worker_id = w.id AND t.date BETWEEN %(w52_d0)s AND %(d6)s) tr
                 WHERE w.provider_id = %(provider_id)s AND w.started <= %(d6)s
                   AND (w."left" IS NULL OR w."left" >= %(w52_d0)s)),
    'people_survey', (SELECT jsonb_build_object(
                        'surveys', count(*), 'responses', sum(responses), 'felt_understood', sum(felt_understood))
                      FROM outcomes_peoplesurvey
                      WHERE provider_id = %(provider_id)s AND date BETWEEN %(w52_d0)s AND %(d6)s),
    'carers_survey', (SELECT jsonb_build_object(
                        'surveys', count(*), 'responses', sum(unpaid_carers_responses),
                        'well_supported', sum(unpaid_carers_well_supported))
                      FROM outcomes_peoplesurvey
                      WHERE provider_id = %(provider_id)s AND date BETWEEN %(w52_d0)s AND %(d6)s
                        AND unpaid_carers_responses IS NOT NULL),
    'm21', (SELECT jsonb_build_object(
                'people', count(DISTINCT person_id), 'decreases', count(*), 'hours', COALESCE(sum(-delta), 0),
                'rehabilitation', count(*) FILTER (WHERE reason = 'rehabilitation'),
                'enablement', count(*) FILTER (WHERE reason = 'enablement'),
                'community_connection', count(*) FILTER (WHERE reason = 'community_connection'))
            FROM chg WHERE delta < 0),
    'credits', (SELECT jsonb_object_agg(lots.lot, jsonb_build_object('n', COALESCE(c.n, 0), 'amount', COALESCE(c.amount, 0)))
                FROM unnest(%(lots)s::int[]) AS lots(lot)
                LEFT JOIN (SELECT lot, count(*) AS n, sum(amount) AS amount FROM outcomes_credit
                           WHERE contract_id = %(contract_id)s AND date BETWEEN %(w13_d0)s AND %(d6)s
                           GROUP BY lot) c ON c.lot = lots.lot)
)::text
