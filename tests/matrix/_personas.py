"""Persona names used in the expectation files (tests/matrix/<area>.py) and the scenario they act in.

A persona is one actor making the request. The scenario (`fx` in the expectation callables) is built
once by tests/matrix/_scenario.py (see its docstring for every row it holds):

- fx.provider (P1) with fx.contract (C-P1: lot 1 commissioned by fx.council, lot 2 by fx.trust);
- fx.other_provider (P2) with fx.other_contract (C-P2, same commissioners);
- fx.outsider_commissioner (FAR), which commissions nothing;
- fx.users[persona] (User), fx.tokens[persona] (ApiToken) and fx.token_keys[persona].
"""

from __future__ import annotations

# Users of fx.provider (P1); the manager is the provider's organisation admin and staff (admin site).
PROVIDER_ROLES = frozenset({"provider_manager", "coordinator", "trusted_assessor", "care_worker"})
# Users of fx.council, which commissions lot 1 of fx.contract; the officer is the council's org admin
# and staff (the admin must still refuse it: the admin is for providers' staff and superusers).
COMMISSIONER_ROLES = frozenset({"commissioner_officer", "social_worker"})
ROLES = PROVIDER_ROLES | COMMISSIONER_ROLES
# Another provider's manager + coordinator (org admin and staff of P2), and an officer + social worker
# (org admin) of a commissioner outside the contract. For a URL naming one object of fx.provider
# they must get 404; on list pages they may be allowed (they see their own organisation's rows).
OTHER_PROVIDER = "other_provider"
OUTSIDER_COMMISSIONER = "outsider_commissioner"
# P2's API token (write) is one of them too (it is tried on /api/ URLs only).
OTHER_PROVIDER_TOKEN = "other_provider_token"
OTHER_ORGS = frozenset({OTHER_PROVIDER, OUTSIDER_COMMISSIONER, OTHER_PROVIDER_TOKEN})
# A platform superuser as createsuperuser makes one: no organisation, no roles. Held to an entry only
# where the entry names it; elsewhere any answer but a server error will do (see README).
SUPERUSER = "superuser"
# API tokens of fx.provider (write) and fx.council (read); only tried on /api/ URLs (HTML pages use
# sessions). ALL_TOKENS adds P2's (in OTHER_ORGS above).
PROVIDER_TOKEN = "provider_token"
COMMISSIONER_TOKEN = "commissioner_token"
TOKENS = frozenset({PROVIDER_TOKEN, COMMISSIONER_TOKEN})
ALL_TOKENS = TOKENS | {OTHER_PROVIDER_TOKEN}
ANONYMOUS = "anonymous"
# Everyone who is logged in (on /api/ URLs, P2's token with them).
LOGGED_IN = ROLES | OTHER_ORGS | {SUPERUSER}
ORG_ADMINS = frozenset({"provider_manager", "commissioner_officer", OTHER_PROVIDER, OUTSIDER_COMMISSIONER})
# Staff who may use the admin site: the providers' managers (each sees its own rows) and the superuser.
ADMIN_USERS = frozenset({"provider_manager", OTHER_PROVIDER, SUPERUSER})
# Exempt from TOTP when HOMECARE_REQUIRE_MFA is on (the matrix's second pass).
MFA_EXEMPT = frozenset({"care_worker", ANONYMOUS}) | ALL_TOKENS

PERSONAS: tuple[str, ...] = (
    ANONYMOUS,
    *sorted(ROLES),
    OTHER_PROVIDER,
    OUTSIDER_COMMISSIONER,
    SUPERUSER,
    *sorted(ALL_TOKENS),
)
