"""Persona names used in the expectation files (tests/matrix/<area>.py) and the scenario they act in.

A persona is one actor making the request. The scenario (`fx` in the expectation callables) is built
fresh for every URL by tests/test_permissions_matrix.py:

- fx.provider (P1) with fx.contract (C-P1: lot 1 commissioned by fx.council, lot 2 by fx.trust);
- fx.other_provider (P2) with fx.other_contract (C-P2, same commissioners);
- fx.outsider_commissioner (FAR), which commissions nothing;
- fx.users[persona] (User) and fx.tokens[persona] (ApiToken) for every persona below.
"""

from __future__ import annotations

# Users of fx.provider (P1); the manager is the provider's organisation admin.
PROVIDER_ROLES = frozenset({"provider_manager", "coordinator", "trusted_assessor", "care_worker"})
# Users of fx.council, which commissions lot 1 of fx.contract; the officer is the council's org admin.
COMMISSIONER_ROLES = frozenset({"commissioner_officer", "social_worker"})
ROLES = PROVIDER_ROLES | COMMISSIONER_ROLES
# Another provider's manager + coordinator (org admin of P2), and an officer + social worker
# (org admin) of a commissioner outside the contract. For a URL naming one object of fx.provider
# they must get 404; on list pages they may be allowed (they see their own organisation's rows).
OTHER_PROVIDER = "other_provider"
OUTSIDER_COMMISSIONER = "outsider_commissioner"
OTHER_ORGS = frozenset({OTHER_PROVIDER, OUTSIDER_COMMISSIONER})
# API tokens of fx.provider and fx.council (only tried on /api/ URLs: HTML pages use sessions).
PROVIDER_TOKEN = "provider_token"
COMMISSIONER_TOKEN = "commissioner_token"
TOKENS = frozenset({PROVIDER_TOKEN, COMMISSIONER_TOKEN})
ANONYMOUS = "anonymous"
# Everyone who is logged in with a session.
LOGGED_IN = ROLES | OTHER_ORGS
ORG_ADMINS = frozenset({"provider_manager", "commissioner_officer", OTHER_PROVIDER, OUTSIDER_COMMISSIONER})

PERSONAS: tuple[str, ...] = (ANONYMOUS, *sorted(ROLES), OTHER_PROVIDER, OUTSIDER_COMMISSIONER, *sorted(TOKENS))
