-- The returns and invoices benchmarks' data, set-based (demo/bench/returns.py: seed), statement by
-- statement in one transaction. Parameters: providers, people (per provider), workers (per
-- provider), first and last (the days of the history). A statement ends with a line ending in ';'.

-- Organisations, neighbourhoods, contracts (started with the history), two lots each.
INSERT INTO commissioning_organisation (kind, ref, name, on_cost_factor, shares_finance_with_commissioners)
VALUES ('commissioner', 'BLCC', 'Bench City Council', NULL, false),
       ('commissioner', 'BNHS', 'Bench NHS Trust', NULL, false);

INSERT INTO commissioning_organisation (kind, ref, name, on_cost_factor, shares_finance_with_commissioners)
SELECT 'provider', format('BP%%s', lpad(g::text, 2, '0')), format('Bench provider %%s', g), 1.25, false
FROM generate_series(1, %(providers)s) g;

INSERT INTO commissioning_neighbourhood (ref, name, wards, lsoas)
SELECT 'BN-' || o.ref, 'Bench area ' || o.ref, ARRAY['Ward ' || o.ref], '{}'
FROM commissioning_organisation o WHERE o.kind = 'provider' AND o.ref LIKE 'BP%%';

INSERT INTO commissioning_contract (ref, model, start, "end", settlement, neighbourhood_id, provider_id)
SELECT 'BC-' || o.ref, 'prime_provider', %(first)s, NULL, 'four_weekly', n.id, o.id
FROM commissioning_organisation o JOIN commissioning_neighbourhood n ON n.ref = 'BN-' || o.ref;

INSERT INTO commissioning_lot (number, name, expected_weekly_hours, billing_basis, contract_id, commissioner_id,
                               provider_id)
SELECT l, 'Lot ' || l, 1000, 'planned', c.id,
       (SELECT id FROM commissioning_organisation WHERE ref = CASE l WHEN 1 THEN 'BLCC' ELSE 'BNHS' END),
       c.provider_id
FROM commissioning_contract c, generate_series(1, 2) l WHERE c.ref LIKE 'BC-BP%%';

INSERT INTO commissioning_lotrate (effective_from, hourly_rate, lot_id, provider_id)
SELECT %(first)s, 26.22, l.id, l.provider_id FROM commissioning_lot l;

-- Workers: a quarter as many as people; one in twenty left during the year.
INSERT INTO workforce_worker (ref, name, started, "left", leaving_reason, contract_type, contracted_weekly_hours,
                              pay_rate, skills, home_lat, home_lon, travel_mode, provider_id)
SELECT format('W%%s', w), '', %(first)s - 400,
       CASE WHEN w %% 20 = 0 THEN %(first)s + (w * 7) %% 300 END, NULL, 'guaranteed_hours', 37.5, 12.60,
       '{}', 53.80 + (w %% 50) * 0.002, -1.55 + (w %% 37) * 0.003,
       (ARRAY['walk', 'car', 'public', 'cycle'])[1 + w %% 4], c.provider_id
FROM commissioning_contract c, generate_series(1, %(workers)s) w WHERE c.ref LIKE 'BC-BP%%';

-- People: two in three in lot 1; homes scattered over a few km.
INSERT INTO outcomes_person (ref, lot, name, home_lat, home_lon, outcomes_opt_out, contract_id, provider_id)
SELECT format('PER%%s', i), CASE WHEN i %% 3 = 0 THEN 2 ELSE 1 END, '', 53.80 + (i %% 97) * 0.0011,
       -1.55 + (i %% 89) * 0.0013, i %% 25 = 0, c.id, c.provider_id
FROM commissioning_contract c, generate_series(1, %(people)s) i WHERE c.ref LIKE 'BC-BP%%';

-- One package each: most running before the history; one in ten starting during it.
INSERT INTO outcomes_package (ref, lot, start, "end", planned_weekly_hours, review_due, provider_id, person_id)
SELECT 'PK' || p.ref, p.lot, s.start, NULL, 7.00, s.start + 42, p.provider_id, p.id
FROM outcomes_person p
CROSS JOIN LATERAL (SELECT CASE WHEN substr(p.ref, 4)::int %% 10 = 0
                                THEN %(first)s + (substr(p.ref, 4)::int * 13) %% 364
                                ELSE %(first)s - 30 - substr(p.ref, 4)::int %% 200 END AS start) s;

INSERT INTO commissioning_referral (ref, lot, received, priority, authorised_delay, start_agreed, outcome, decided,
                                   person_id, provider_id)
SELECT 'R' || pk.ref, pk.lot, (pk.start - 2 + time '10:00') AT TIME ZONE 'Europe/London',
       pk.id %% 7 = 0, false, (pk.start - 1 + time '09:00') AT TIME ZONE 'Europe/London', 'started',
       (pk.start - 1 + time '09:00') AT TIME ZONE 'Europe/London', pk.person_id, pk.provider_id
FROM outcomes_package pk WHERE pk.start >= %(first)s;

INSERT INTO outcomes_review (ref, kind, due, completed, package_id, provider_id)
SELECT format('RV%%s-%%s', pk.ref, k), 'provider', pk.start + 42 * k,
       CASE WHEN pk.start + 42 * k <= %(last)s AND pk.id %% 9 <> 0 THEN pk.start + 42 * k - 3 END,
       pk.id, pk.provider_id
FROM outcomes_package pk, generate_series(1, 12) k WHERE pk.start + 42 * k <= %(last)s + 28;

INSERT INTO outcomes_outcomeassessment (ref, date, wellbeing_independence, home, community, provider_id,
                                        person_id)
SELECT format('OA%%s-%%s', p.ref, k), %(first)s + 120 * k + (p.id %% 60)::int, 1 + (p.id + k) %% 5, 1 + k %% 5,
       1 + p.id %% 5, p.provider_id, p.id
FROM outcomes_person p, generate_series(0, 2) k WHERE NOT p.outcomes_opt_out;

INSERT INTO outcomes_hospitalstay (ref, admitted, discharged, provider_id, person_id)
SELECT 'H' || p.ref, (d + time '11:00') AT TIME ZONE 'Europe/London',
       (d + 5 + time '15:00') AT TIME ZONE 'Europe/London', p.provider_id, p.id
FROM outcomes_person p CROSS JOIN LATERAL (SELECT %(first)s + ((p.id * 11) %% 360)::int AS d) s
WHERE p.id %% 50 = 0;

INSERT INTO workforce_absence (ref, start, "end", kind, provider_id, worker_id)
SELECT format('AB%%s-%%s', w.ref, k), %(first)s + ((w.id * 17 + k * 61) %% 360)::int,
       %(first)s + ((w.id * 17 + k * 61) %% 360)::int + 2, 'sickness', w.provider_id, w.id
FROM workforce_worker w, generate_series(0, 2) k WHERE w.id %% 4 = 0;

-- One shift a day per worker, 07:30-20:30 local time, 30 minutes unpaid.
INSERT INTO rota_shift (ref, start, "end", unpaid_break_minutes, kind, provider_id, worker_id)
SELECT format('S%%s-%%s', w.ref, d::date), (d::date + time '07:30') AT TIME ZONE 'Europe/London',
       (d::date + time '20:30') AT TIME ZONE 'Europe/London', 30, 'care', w.provider_id, w.id
FROM workforce_worker w, generate_series(%(first)s::date, %(last)s::date, interval '1 day') d;

-- Two 30-minute visits a day per person from the package start; 1 in 20 needs two carers.
-- Status: 2%% hospital (if in hospital), 1%% cancelled by the person, 1%% missed, the rest completed.
INSERT INTO rota_visit (ref, planned_start, planned_end, carers_required, outside_home, status, cancelled_at,
                        package_id, person_id, provider_id)
SELECT format('V%%s-%%s-%%s', pk.ref, d::date, slot),
       (d::date + time '07:45' + (slot * 9 + pk.id %% 6) * interval '1 hour' / 2) AT TIME ZONE 'Europe/London',
       (d::date + time '08:15' + (slot * 9 + pk.id %% 6) * interval '1 hour' / 2) AT TIME ZONE 'Europe/London',
       CASE WHEN pk.id %% 20 = 0 THEN 2 ELSE 1 END, slot = 1 AND pk.id %% 30 = 0,
       CASE WHEN (pk.id + extract(doy FROM d)::int * 7 + slot) %% 100 = 0 THEN 'cancelled_by_person'
            WHEN (pk.id + extract(doy FROM d)::int * 7 + slot) %% 100 = 1 THEN 'missed'
            WHEN (pk.id + extract(doy FROM d)::int * 7 + slot) %% 100 = 2 THEN 'hospital'
            ELSE 'completed' END,
       NULL, pk.id, pk.person_id, pk.provider_id
FROM outcomes_package pk,
     generate_series(greatest(pk.start, %(first)s)::date, %(last)s::date, interval '1 day') d,
     generate_series(0, 1) slot;

-- Attendances for completed visits: carers from the provider's workers in turn, checked in on time.
INSERT INTO rota_attendance (check_in, check_out, method, exception_code, external_id, provider_id, worker_id,
                             visit_id)
SELECT v.planned_start + interval '2 minutes', v.planned_end + interval '1 minute', 'app', NULL, NULL,
       v.provider_id, ws.ids[1 + (v.person_id + c - 1) %% array_length(ws.ids, 1)], v.id
FROM rota_visit v
JOIN (SELECT provider_id, array_agg(id ORDER BY id) AS ids FROM workforce_worker GROUP BY provider_id) ws
  ON ws.provider_id = v.provider_id
CROSS JOIN LATERAL generate_series(1, v.carers_required) c
WHERE v.status = 'completed';
