-- The rota benchmark's data, set-based (demo/bench/rota.py: seed), statement by statement in one
-- transaction. Parameters: providers, people (per provider), first and last (the days of history),
-- week and weeks_end (the two weeks measured), teams_first and teams_other (care workers per team).

INSERT INTO commissioning_organisation (kind, ref, name, on_cost_factor, shares_finance_with_commissioners)
VALUES ('commissioner', 'RLCC', 'Rota bench council', NULL, false);

INSERT INTO commissioning_organisation (kind, ref, name, on_cost_factor, shares_finance_with_commissioners)
SELECT 'provider', format('RP%%s', lpad(g::text, 2, '0')), format('Rota bench provider %%s', g), 1.25, false
FROM generate_series(1, %(providers)s) g;

INSERT INTO commissioning_neighbourhood (ref, name, wards, lsoas)
SELECT 'RN-' || o.ref, 'Rota bench area ' || o.ref, ARRAY['Ward ' || o.ref], '{}'
FROM commissioning_organisation o WHERE o.kind = 'provider' AND o.ref LIKE 'RP%%';

INSERT INTO commissioning_contract (ref, model, start, "end", settlement, neighbourhood_id, provider_id)
SELECT 'RC-' || o.ref, 'prime_provider', %(first)s::date - 60, NULL, 'four_weekly', n.id, o.id
FROM commissioning_organisation o JOIN commissioning_neighbourhood n ON n.ref = 'RN-' || o.ref;

INSERT INTO commissioning_lot (number, name, expected_weekly_hours, billing_basis, contract_id, commissioner_id,
                               provider_id)
SELECT 1, 'Lot 1', 3500, 'planned', c.id, (SELECT id FROM commissioning_organisation WHERE ref = 'RLCC'), c.provider_id
FROM commissioning_contract c WHERE c.ref LIKE 'RC-RP%%';

-- Three teams per provider; the first provider's teams are 60, 10 and 30 care workers strong.
INSERT INTO workforce_team (ref, name, provider_id, neighbourhood_id)
SELECT o.ref || '-T' || t, format('Team %%s of %%s', t, o.ref), o.id, n.id
FROM commissioning_organisation o JOIN commissioning_neighbourhood n ON n.ref = 'RN-' || o.ref,
     generate_series(1, 3) t
WHERE o.kind = 'provider' AND o.ref LIKE 'RP%%';

CREATE TEMP TABLE bench_team ON COMMIT DROP AS
SELECT tm.id, tm.provider_id, tm.ref, right(tm.ref, 1)::int AS t, substr(tm.ref, 3, 2)::int AS p,
       CASE WHEN tm.ref LIKE 'RP01-%%' THEN (%(teams_first)s::int[])[right(tm.ref, 1)::int]
            ELSE (%(teams_other)s::int[])[right(tm.ref, 1)::int] END AS size,
       CASE WHEN tm.ref LIKE 'RP01-%%' THEN %(teams_first)s::int[] ELSE %(teams_other)s::int[] END AS sizes
FROM workforce_team tm WHERE tm.ref LIKE 'RP%%';

-- Care workers around their team's patch; one in three has a hoist certificate.
INSERT INTO workforce_worker (ref, name, started, "left", leaving_reason, contract_type, contracted_weekly_hours,
                              pay_rate, skills, home_lat, home_lon, travel_mode, provider_id, team_id, user_id)
SELECT bt.ref || '-W' || lpad(w::text, 2, '0'), format('Care worker %%s %%s', bt.ref, w), %(first)s::date - 400,
       NULL, NULL, 'guaranteed_hours', 37.5, 13.95,
       CASE WHEN w %% 3 = 0 THEN ARRAY['hoist'] ELSE '{}' END::varchar[],
       53.70 + bt.p * 0.03 + bt.t * 0.01 + (w %% 7) * 0.001, -1.60 + bt.t * 0.02 + (w %% 5) * 0.001,
       (ARRAY['walk', 'walk', 'car', 'cycle'])[1 + w %% 4], bt.provider_id, bt.id, NULL
FROM bench_team bt, generate_series(1, bt.size) w;

-- People, each in the team whose share of care workers their number falls into.
CREATE TEMP TABLE bench_person ON COMMIT DROP AS
SELECT c.id AS contract_id, c.provider_id, i, substr(o.ref, 3, 2)::int AS p,
       CASE WHEN (i - 1) * 100 / %(people)s < s.sizes[1] THEN 1
            WHEN (i - 1) * 100 / %(people)s < s.sizes[1] + s.sizes[2] THEN 2 ELSE 3 END AS t
FROM commissioning_contract c JOIN commissioning_organisation o ON o.id = c.provider_id
JOIN LATERAL (SELECT sizes FROM bench_team WHERE provider_id = c.provider_id LIMIT 1) s ON true,
     generate_series(1, %(people)s) i
WHERE c.ref LIKE 'RC-RP%%';

INSERT INTO outcomes_person (ref, lot, name, home_lat, home_lon, outcomes_opt_out, contract_id, provider_id)
SELECT format('RP%%s-P%%s', lpad(bp.p::text, 2, '0'), lpad(bp.i::text, 4, '0')), 1, '',
       53.70 + bp.p * 0.03 + bp.t * 0.01 + ((bp.i * 37) %% 100) * 0.0002,
       -1.60 + bp.t * 0.02 + ((bp.i * 53) %% 100) * 0.0003, false, bp.contract_id, bp.provider_id
FROM bench_person bp;

-- One package each, running since before the history: (45 x 7 + 30 x 7 + 30 x 6) / 60 = 11.75 hours.
INSERT INTO outcomes_package (ref, lot, start, "end", planned_weekly_hours, review_due, provider_id, person_id)
SELECT 'PK-' || pe.ref, 1, %(first)s::date - 30, NULL, 11.75, NULL, pe.provider_id, pe.id
FROM outcomes_person pe WHERE pe.ref LIKE 'RP%%';

-- The care plans: morning (45 minutes, every day; one in twenty two-handed, one in ten needing a
-- hoist), tea (30, every day) and bed (30, Monday to Saturday), at times spread over each window.
INSERT INTO rota_careplanslot (ref, days, start, earliest, latest, minutes, carers_required, skills, outside_home,
                               tasks, valid_from, valid_until, package_id, provider_id, replaces_id, team_id)
SELECT pe.ref || '-' || k.name, k.days, k.start, k.start - interval '30 minutes', k.start + interval '30 minutes',
       k.minutes, CASE WHEN k.name = 'AM' AND bp.i %% 20 = 0 THEN 2 ELSE 1 END,
       CASE WHEN k.name = 'AM' AND bp.i %% 10 = 0 THEN ARRAY['hoist'] ELSE '{}' END::varchar[], false, k.tasks,
       %(first)s::date - 30, NULL, pk.id, pe.provider_id, NULL, bt.id
FROM outcomes_person pe
JOIN outcomes_package pk ON pk.person_id = pe.id
JOIN bench_person bp ON bp.provider_id = pe.provider_id AND pe.ref = format('RP%%s-P%%s', lpad(bp.p::text, 2, '0'), lpad(bp.i::text, 4, '0'))
JOIN bench_team bt ON bt.provider_id = pe.provider_id AND bt.t = bp.t
CROSS JOIN LATERAL (VALUES
    ('AM', ARRAY[1, 2, 3, 4, 5, 6, 7], time '07:30' + (bp.i %% 12) * interval '15 minutes', 45, 'Wash, dress, breakfast, tablets'),
    ('TEA', ARRAY[1, 2, 3, 4, 5, 6, 7], time '16:30' + (bp.i %% 8) * interval '15 minutes', 30, 'Tea and a drink'),
    ('BED', ARRAY[1, 2, 3, 4, 5, 6], time '19:30' + (bp.i %% 8) * interval '15 minutes', 30, 'Help to bed')
) AS k(name, days, start, minutes, tasks);

-- The history: every planned visit of the 12 weeks before, delivered by one of four regular care
-- workers of the person's team (in turn), on time.
INSERT INTO rota_visit (ref, planned_start, planned_end, carers_required, outside_home, status, cancelled_at,
                        package_id, person_id, provider_id, slot_id, team_id, hand_edited)
SELECT 'H-' || s.ref || '-' || to_char(d, 'YYYYMMDD'), (d::date + s.start) AT TIME ZONE 'Europe/London',
       (d::date + s.start + s.minutes * interval '1 minute') AT TIME ZONE 'Europe/London', s.carers_required, false,
       'completed', NULL, s.package_id, pk.person_id, s.provider_id, NULL, s.team_id, false
FROM rota_careplanslot s JOIN outcomes_package pk ON pk.id = s.package_id,
     generate_series(%(first)s::date, %(last)s::date, interval '1 day') d
WHERE extract(isodow FROM d)::int = ANY (s.days);

INSERT INTO rota_attendance (check_in, check_out, method, exception_code, external_id, provider_id, worker_id,
                             visit_id)
SELECT v.planned_start + interval '2 minutes', v.planned_end + interval '1 minute', 'app', NULL, NULL,
       v.provider_id, tw.ids[1 + (v.person_id * 4 + extract(doy FROM v.planned_start)::int %% 4 + c) %% array_length(tw.ids, 1)],
       v.id
FROM rota_visit v
JOIN (SELECT team_id, array_agg(id ORDER BY id) AS ids FROM workforce_worker GROUP BY team_id) tw
  ON tw.team_id = v.team_id
CROSS JOIN LATERAL generate_series(0, v.carers_required - 1) c
WHERE v.ref LIKE 'H-%%';

-- Shifts in the two weeks measured: two in three care workers on the morning block (07:00-14:00,
-- 30 minutes unpaid), the others on the evening block (16:00-22:00), six days a week.
INSERT INTO rota_shift (ref, start, "end", unpaid_break_minutes, kind, provider_id, worker_id)
SELECT format('S%%s-%%s', w.ref, d::date), (d::date + b.start) AT TIME ZONE 'Europe/London',
       (d::date + b.finish) AT TIME ZONE 'Europe/London', b.brk, 'care', w.provider_id, w.id
FROM workforce_worker w
CROSS JOIN generate_series(%(week)s::date, %(weeks_end)s::date, interval '1 day') d
JOIN (VALUES (0, time '07:00', time '14:00', 30), (1, time '07:00', time '14:00', 30),
             (2, time '16:00', time '22:00', 0)) AS b(k, start, finish, brk) ON b.k = w.id %% 3
WHERE w.ref LIKE 'RP%%' AND (extract(isodow FROM d)::int + w.id::int) %% 7 <> 0;
