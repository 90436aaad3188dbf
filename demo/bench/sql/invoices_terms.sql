-- The worked example's terms on the measured lot, so that every invoice rule runs (rolled back after).
UPDATE commissioning_lot SET billing_basis = 'actual_capped', rounding_minutes = 5, short_visit_minutes = 31,
       short_visit_rate = 29.50, bank_holiday_multiplier = 1.5, hospital_retainer_share = 0.5,
       hospital_retainer_days = 7, late_cancel_hours = 24, late_cancel_share = 1, guaranteed_share = 0.8,
       expected_weekly_hours = 400
WHERE id = %s
