-- A referral's lot must be one of its person's contract.
SELECT s.idx, format('contract %%s has no lot %%s', pp.contract, s.lot)
FROM stg_referrals s
JOIN stg_people pp ON pp.ref = s.person
WHERE NOT s.bad AND pp.contract IS NOT NULL
  AND EXISTS (SELECT 1 FROM stg_contracts c WHERE c.ref = pp.contract)
  AND NOT EXISTS (SELECT 1 FROM stg_lots l WHERE l.pref = pp.contract AND l.lot = s.lot)
LIMIT %(limit)s
