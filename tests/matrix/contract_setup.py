"""Expectations for the contract set-up pages (/commissioning/contracts/, lots, rates, KPI targets,
neighbourhoods).

Who: commissioner officers set up and change what their organisation commissions; provider managers
read their own contracts; social workers, coordinators, trusted assessors and care workers have no
access. Another organisation's contract, lot or neighbourhood is a 404."""

from __future__ import annotations

from tests.matrix._personas import OTHER_ORGS, OUTSIDER_COMMISSIONER

READERS = frozenset({"commissioner_officer", "provider_manager"})
OFFICER = frozenset({"commissioner_officer"})


def _contract(fx) -> dict:
    return {"pk": fx.contract.pk}


def _lot1(fx) -> dict:
    return {"pk": fx.contract.lots.get(number=1).pk}


EXPECTATIONS: dict = {
    "commissioning:contract-list": {"allowed": READERS | OTHER_ORGS},
    "commissioning:contract-new": [
        {"allowed": OFFICER | {OUTSIDER_COMMISSIONER}},
        # Nothing filled in: the form comes back with its errors (nothing saved).
        {"allowed": OFFICER | {OUTSIDER_COMMISSIONER}, "method": "post", "ok": {200}},
    ],
    "commissioning:contract-detail": {"allowed": READERS, "kwargs": _contract},
    "commissioning:contract-edit": [
        {"allowed": OFFICER, "kwargs": _contract},
        {"allowed": OFFICER, "kwargs": _contract, "method": "post", "ok": {200}},
    ],
    "commissioning:lot-new": {"allowed": OFFICER, "kwargs": _contract},
    "commissioning:contract-targets": {"allowed": OFFICER, "kwargs": _contract},
    "commissioning:lot-edit": {"allowed": OFFICER, "kwargs": _lot1},
    "commissioning:rate-new": [
        {"allowed": OFFICER, "kwargs": _lot1},
        {
            "allowed": OFFICER,
            "kwargs": _lot1,
            "method": "post",
            "data": {"effective_from": "2026-04-06", "hourly_rate": "27.00"},
            "ok": {302},
        },
    ],
    "commissioning:neighbourhood-list": {"allowed": READERS | OTHER_ORGS},
    "commissioning:neighbourhood-new": {"allowed": OFFICER | {OUTSIDER_COMMISSIONER}},
    "commissioning:neighbourhood-edit": {"allowed": OFFICER, "kwargs": lambda fx: {"pk": fx.neighbourhood.pk}},
}
