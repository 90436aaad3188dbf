"""Contract set-up for commissioner officers: neighbourhoods (wards, LSOAs), contracts, lots with
their terms, effective-dated rates and KPI targets, each change audited; providers see their own
contracts read-only (docs/commissioning.md)."""
