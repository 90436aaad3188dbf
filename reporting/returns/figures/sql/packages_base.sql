-- The contract's packages (pk), their changes (ch) and the planned weekly hours of each package
-- as constant segments [from_day, to_day) (seg). Hours on a day follow the spec: planned_weekly_hours,
-- replaced by each change from its effective date; a rejected change stops applying from its decided
-- date (the hours go back to what they were before it). A change that waits for prior approval
-- (beyond the lot's limits) applies only once approved. Included by other statements.
WITH pk AS (
    SELECT p.id, p.ref, p.lot, p.person_id, p.start, p."end", p.planned_weekly_hours AS base,
           pe.outcomes_opt_out
    FROM outcomes_package p
    JOIN outcomes_person pe ON pe.id = p.person_id
    WHERE pe.contract_id = %(contract_id)s
      AND p.start <= %(d6)s::date
),
ch AS (
    SELECT c.id, c.ref, c.package_id, c.effective, c.new_weekly_hours, c.by, c.reason, c.decision, c.decided
    FROM outcomes_packagechange c
    JOIN pk ON pk.id = c.package_id
    WHERE NOT (c.prior_approval AND c.decision <> 'approved')
),
-- Every day on which a package's hours may change; between two such days they are constant.
pts AS (
    SELECT id AS package_id, '-infinity'::date AS day FROM pk
    UNION SELECT package_id, effective FROM ch
    UNION SELECT package_id, decided FROM ch WHERE decision = 'rejected' AND decided IS NOT NULL
),
seg AS (
    SELECT pts.package_id, pts.day AS from_day,
           COALESCE(lead(pts.day) OVER (PARTITION BY pts.package_id ORDER BY pts.day), 'infinity'::date) AS to_day,
           COALESCE((SELECT c.new_weekly_hours FROM ch c
                     WHERE c.package_id = pts.package_id AND c.effective <= pts.day
                       AND NOT (c.decision = 'rejected' AND c.decided <= pts.day)
                     ORDER BY c.effective DESC, c.id DESC LIMIT 1), pk.base) AS hours
    FROM pts JOIN pk ON pk.id = pts.package_id
)
