"""Expectations for the commissioners' dashboard, trends and contract position.

Who: commissioner officers, social workers, provider managers and coordinators read the dashboard and
trends (each organisation its own rows, so other organisations are allowed too); the contract position
is money: commissioner officers and provider managers. Another organisation's contract is a 404."""

from __future__ import annotations

from tests.matrix._personas import OTHER_ORGS, TOKENS

READERS = frozenset({"provider_manager", "coordinator", "commissioner_officer", "social_worker"})
MONEY = frozenset({"provider_manager", "commissioner_officer"})

EXPECTATIONS: dict = {
    "reporting:dashboard": {"allowed": READERS | OTHER_ORGS},
    "reporting:trends": {"allowed": READERS | OTHER_ORGS},
    "reporting:contract_position": {"allowed": MONEY, "kwargs": lambda fx: {"ref": fx.contract.ref}},
    "dashboard-api": {"allowed": READERS | OTHER_ORGS | TOKENS},
}
