"""Referrals brokered to providers: the commissioner brokers, the provider agrees a start or declines,
the commissioner withdraws or passes a declined one on. Accepting creates the person and the package.
Mounted at /commissioning/referrals/ and /api/v1/referrals/ (docs/commissioning.md)."""
