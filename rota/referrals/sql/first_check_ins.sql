-- For each (referral, person, received): the first check-in of the person's earliest delivered visit
-- whose first check-in is after `received` (the spec's "first delivered visit" of a referral).
SELECT k.referral_id, fv.first_in
FROM unnest(%(referrals)s::bigint[], %(people)s::bigint[], %(received)s::timestamptz[])
     AS k(referral_id, person_id, received)
CROSS JOIN LATERAL (
    SELECT a.first_in
    FROM rota_visit v
    CROSS JOIN LATERAL (
        SELECT min(at.check_in) AS first_in,
               count(DISTINCT at.worker_id) FILTER (WHERE at.check_in IS NOT NULL AND at.check_out IS NOT NULL) AS done
        FROM rota_attendance at WHERE at.visit_id = v.id
    ) a
    WHERE v.person_id = k.person_id AND a.done >= v.carers_required AND a.first_in > k.received
    ORDER BY a.first_in, v.id
    LIMIT 1
) fv
