"""Expectations for the referral workflow (/commissioning/referrals/ and /api/v1/referrals/).

Who: commissioner officers and social workers broker, withdraw and pass on; provider managers and
coordinators agree a start or decline; all four read the queue. Trusted assessors and care workers have
no access. Another organisation's referral is a 404. API tokens act for their organisation: the
council's token brokers when it has the write scope (the matrix's council token reads only), the
provider's answers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from commissioning.models import Referral
from tests.matrix._personas import (
    COMMISSIONER_ROLES,
    OTHER_ORGS,
    OUTSIDER_COMMISSIONER,
    PROVIDER_TOKEN,
    TOKENS,
)

READERS = frozenset({"provider_manager", "coordinator", "commissioner_officer", "social_worker"})
ANSWERERS = frozenset({"provider_manager", "coordinator"})


def _referral(fx, outcome: str = "pending") -> Referral:
    now = timezone.now()
    return Referral.objects.create(
        provider=fx.provider,
        ref=f"BR-M-{outcome}",
        contract=fx.contract,
        lot=1,
        received=now - timedelta(hours=2),
        person_ref="SC-1",
        planned_weekly_hours=Decimal("5"),
        commissioner=fx.council,
        outcome=outcome,
        decided=now - timedelta(hours=1) if outcome != "pending" else None,
        outcome_reason="Round full" if outcome == "declined" else "",
    )


def _pending(fx) -> dict:
    return {"pk": _referral(fx).pk}


def _declined(fx) -> dict:
    return {"pk": _referral(fx, "declined").pk}


def _today() -> str:
    return timezone.localdate().isoformat()


BROKER_FORM = lambda fx: {  # noqa: E731 - read per persona, inside its savepoint
    "person": "SC-2",
    "neighbourhood": str(fx.neighbourhood.pk),
    "lot": "1",
    "planned_weekly_hours": "7.5",
}
BROKER_JSON = {"person": "SC-2", "neighbourhood": "AREA1", "lot": 1, "planned_weekly_hours": "7.50"}

EXPECTATIONS: dict = {
    "referrals:list": {"allowed": READERS | OTHER_ORGS},
    "referrals:new": [
        # The outsider may open the form; it lists no neighbourhood of its own, so posting re-shows it.
        {"allowed": COMMISSIONER_ROLES | {OUTSIDER_COMMISSIONER}},
        {
            "allowed": COMMISSIONER_ROLES | {OUTSIDER_COMMISSIONER},
            "method": "post",
            "data": BROKER_FORM,
            "ok": {200, 302},
        },
    ],
    "referrals:detail": {"allowed": READERS, "kwargs": _pending},
    "referrals:accept": {
        "allowed": ANSWERERS,
        "method": "post",
        "kwargs": _pending,
        "data": lambda fx: {"start": _today()},
        "ok": {302},
    },
    "referrals:decline": {
        "allowed": ANSWERERS,
        "method": "post",
        "kwargs": _pending,
        "data": {"reason": "No carers free"},
        "ok": {302},
    },
    "referrals:withdraw": {"allowed": COMMISSIONER_ROLES, "method": "post", "kwargs": _pending, "ok": {302}},
    "referrals:pass-on": [
        {"allowed": COMMISSIONER_ROLES, "kwargs": _declined},
        {
            "allowed": COMMISSIONER_ROLES,
            "method": "post",
            "kwargs": _declined,
            "data": lambda fx: {"contract": str(fx.other_contract.pk)},
            "ok": {302},
        },
    ],
    # API
    "referrals-api-list": [
        {"allowed": READERS | OTHER_ORGS | TOKENS},
        # The outsider commissions nothing in AREA1: a 400 naming the neighbourhood. The council's
        # token here reads only (a write needs a token with the write scope).
        {
            "allowed": COMMISSIONER_ROLES | {OUTSIDER_COMMISSIONER},
            "method": "post",
            "data": BROKER_JSON,
            "ok": {201, 400},
        },
    ],
    "referrals-api-detail": {"allowed": READERS | TOKENS, "kwargs": _pending},
    "referrals-api-accept": {
        "allowed": ANSWERERS | {PROVIDER_TOKEN},
        "method": "post",
        "kwargs": _pending,
        "data": lambda fx: {"start": _today()},
        "ok": {200},
    },
    "referrals-api-decline": {
        "allowed": ANSWERERS | {PROVIDER_TOKEN},
        "method": "post",
        "kwargs": _pending,
        "data": {"reason": "No carers free"},
        "ok": {200},
    },
    "referrals-api-withdraw": {
        "allowed": COMMISSIONER_ROLES,
        "method": "post",
        "kwargs": _pending,
        "ok": {200},
    },
    "referrals-api-pass-on": {
        "allowed": COMMISSIONER_ROLES,
        "method": "post",
        "kwargs": _declined,
        "ok": {201},
    },
}
