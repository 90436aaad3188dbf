"""Expectations for people, package changes, the approvals queue, reviews and the Outcomes Tool
(HTML and REST), and the notifications pages.

Readers: the provider's managers, coordinators and trusted assessors, and the council's officer and
social worker (the council commissions lot 1 of fx.contract, where these people and packages are).
Managers and trusted assessors (and the provider's token) log changes, submit them, complete reviews
and record assessments; the council's social worker (and its token) decides and makes their own
changes (a commissioner's token could too, with write scope; the scenario's council token reads only).
Care workers get 403; another provider or a commissioner outside the contract 404 on any
one object (on lists they see their own organisation's, so they are allowed)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from tests.matrix._personas import LOGGED_IN, OTHER_ORGS, PROVIDER_TOKEN, TOKENS

READERS = frozenset({"provider_manager", "coordinator", "trusted_assessor", "commissioner_officer", "social_worker"})
ASSESSORS = frozenset({"provider_manager", "trusted_assessor"})
SOCIAL_WORKER = frozenset({"social_worker"})


def _package(fx):
    from outcomes.models import Package, Person

    person = Person.objects.create(provider=fx.provider, ref="MX-P1", contract=fx.contract, lot=1, name="Mo Matrix")
    return Package.objects.create(
        provider=fx.provider,
        ref="MX-PK1",
        person=person,
        lot=1,
        start=date(2025, 7, 7),
        planned_weekly_hours=Decimal("12"),
    )


def _change(fx, submitted: bool = False):
    from outcomes.models import PackageChange

    package = _package(fx)
    today = timezone.localdate()
    return PackageChange.objects.create(
        provider=fx.provider,
        ref="MX-CH1",
        package=package,
        effective=today - timedelta(days=1),
        new_weekly_hours=Decimal("10"),
        by="provider",
        reason="right_sizing",
        consent_by="person",
        consent_date=today - timedelta(days=1),
        submitted_for_approval=today if submitted else None,
    )


def _review(fx):
    from outcomes.models import Review

    package = _package(fx)
    return Review.objects.create(
        provider=fx.provider, ref="MX-RV1", package=package, kind="provider", due=timezone.localdate()
    )


def _person_ref(fx) -> dict:
    return {"ref": _package(fx).person.ref}


def _package_ref(fx) -> dict:
    return {"ref": _package(fx).ref}


def _change_pk(fx) -> dict:
    return {"pk": _change(fx).pk}


def _submitted_pk(fx) -> dict:
    return {"pk": _change(fx, submitted=True).pk}


def _review_pk(fx) -> dict:
    return {"pk": _review(fx).pk}


def _notification_pk(fx) -> dict:
    from commissioning.models import Notification

    note = Notification.objects.create(user=fx.users["provider_manager"], kind="test", subject="Hello", url="/")
    return {"pk": note.pk}


def _today() -> str:
    return timezone.localdate().isoformat()


def _change_form(fx) -> dict:
    return {"new_weekly_hours": "11", "effective": _today(), "reason": "right_sizing", "consent_by": "person",
            "consent_date": _today(), "note": ""}  # fmt: skip


def _change_body(fx) -> dict:
    _package(fx)
    return {"package": "MX-PK1", **_change_form(fx)}


def _review_form(fx) -> dict:
    return {"completed": _today(), "wellbeing_independence": "3", "home": "3", "community": "4", "progress": "yes"}


def _review_body(fx) -> dict:
    return {"completed": _today(), "wellbeing_independence": 3, "home": 3, "community": 4, "progress": True}


def _assessment_form(fx) -> dict:
    return {"date": _today(), "wellbeing_independence": "2", "home": "3", "community": "4"}


def _assessment_body(fx) -> dict:
    _package(fx)
    return {"person": "MX-P1", "date": _today(), "wellbeing_independence": 2, "home": 3, "community": 4}


LISTS = READERS | OTHER_ORGS

EXPECTATIONS: dict = {
    # HTML pages.
    "outcomes:person-list": {"allowed": LISTS},
    "outcomes:person-detail": {"allowed": READERS, "kwargs": _person_ref},
    "outcomes:assessment-new": [
        {"allowed": ASSESSORS, "kwargs": _person_ref},
        {"allowed": ASSESSORS, "kwargs": _person_ref, "method": "post", "data": _assessment_form, "ok": {302}},
    ],
    "outcomes:change-new": [
        {"allowed": ASSESSORS | SOCIAL_WORKER, "kwargs": _package_ref},
        {
            "allowed": ASSESSORS | SOCIAL_WORKER,
            "kwargs": _package_ref,
            "method": "post",
            "data": _change_form,
            "ok": {302},
        },
    ],
    "outcomes:change-detail": {"allowed": READERS, "kwargs": _change_pk},
    # Opens (or creates) the package's provider-led review and goes on to its form.
    "outcomes:review-start": {"allowed": ASSESSORS, "kwargs": _package_ref, "method": "post", "ok": {302}},
    "outcomes:change-submit": {"allowed": ASSESSORS, "kwargs": _change_pk, "method": "post", "ok": {302}},
    "outcomes:change-decide": [
        # GET shows the change's page (where the form is).
        {"allowed": SOCIAL_WORKER, "kwargs": _submitted_pk, "ok": {302}},
        {
            "allowed": SOCIAL_WORKER,
            "kwargs": _submitted_pk,
            "method": "post",
            "data": {"decision": "approved"},
            "ok": {302},
        },
    ],
    "outcomes:approvals": {"allowed": LISTS},
    "outcomes:review-list": {"allowed": LISTS},
    "outcomes:review-complete": [
        {"allowed": ASSESSORS, "kwargs": _review_pk},
        {"allowed": ASSESSORS, "kwargs": _review_pk, "method": "post", "data": _review_form, "ok": {302}},
    ],
    # Notifications: every signed-in user has their own; another user's is a 404.
    "commissioning:notification-list": {"allowed": LOGGED_IN},
    "commissioning:notification-read-all": {"allowed": LOGGED_IN, "method": "post", "ok": {302}},
    "commissioning:notification-open": {"allowed": {"provider_manager"}, "kwargs": _notification_pk, "ok": {302}},
    # REST.
    "api-package-changes": [
        {"allowed": LISTS | TOKENS},
        # The council's token reads only (its scope): no writes by it.
        {"allowed": ASSESSORS | SOCIAL_WORKER | {PROVIDER_TOKEN}, "method": "post", "data": _change_body, "ok": {201}},
    ],
    "api-package-change": {"allowed": READERS | TOKENS, "kwargs": _change_pk},
    "api-package-change-submit": {
        "allowed": ASSESSORS | {PROVIDER_TOKEN},
        "kwargs": _change_pk,
        "method": "post",
        "ok": {200},
    },
    "api-package-change-decision": {
        "allowed": SOCIAL_WORKER,
        "kwargs": _submitted_pk,
        "method": "post",
        "data": {"decision": "rejected", "reason": "Not agreed"},
        "ok": {200},
    },
    "api-person": {"allowed": READERS | TOKENS, "kwargs": _person_ref},
    "api-review-complete": {
        "allowed": ASSESSORS | {PROVIDER_TOKEN},
        "kwargs": _review_pk,
        "method": "post",
        "data": _review_body,
        "ok": {200},
    },
    "api-outcome-assessments": {
        "allowed": ASSESSORS | {PROVIDER_TOKEN},
        "method": "post",
        "data": _assessment_body,
        "ok": {201},
        "object": True,
    },
}
