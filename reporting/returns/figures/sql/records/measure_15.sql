-- Measure 15: the contract's spend entered for periods inside the 4-week window, and the block-pay
-- cost of the provider's shifts starting in it, per worker.
SELECT 'spend' AS source, s.ref, s.period_start::text || ' to ' || s.period_end::text AS detail,
       s.indirect_staffing AS indirect_staffing, s.total_spend AS total_spend, NULL::numeric AS direct_staffing
FROM commissioning_spend s
WHERE s.contract_id = %(contract_id)s AND s.period_start >= %(w4_d0)s AND s.period_end <= %(d6)s
UNION ALL
SELECT 'shifts', w.ref, count(*)::text || ' shifts, ' || round(sum(extract(epoch FROM sh."end" - sh.start) / 3600
           - sh.unpaid_break_minutes / 60.0), 2)::text || ' paid hours at £' || w.pay_rate::text || ' an hour',
       NULL, NULL,
       round(sum((extract(epoch FROM sh."end" - sh.start) / 60 - sh.unpaid_break_minutes) / 60 * w.pay_rate)
             * (SELECT on_cost_factor FROM commissioning_organisation WHERE id = %(provider_id)s), 2)
FROM rota_shift sh JOIN workforce_worker w ON w.id = sh.worker_id
WHERE sh.provider_id = %(provider_id)s AND sh.start >= %(w4_ws)s AND sh.start < %(we)s
GROUP BY w.ref, w.pay_rate
ORDER BY 1 DESC, 2
