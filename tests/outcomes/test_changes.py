"""Logging, submitting and deciding package changes: the limits, the dates, consent, the four weeks,
reverting, permissions and notifications. Today is Wednesday 10 September 2025 throughout; Ann's
package PK1 (lot 1: limits 3 hours and 25%) has 12 hours a week since 7 July."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pghistory.models import Events

from commissioning.models import Notification, Role
from outcomes import ledger
from outcomes.models import PackageChange
from outcomes.services import (
    package_change_decide,
    package_change_log,
    package_change_submit,
    package_changes_submit_due,
)
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
TODAY = date(2025, 9, 10)


def log(actor, package, hours, effective=TODAY, today=TODAY, **kw):
    args = dict(reason="right_sizing", consent_by="person", consent_date=TODAY, note="Managing breakfast alone now.")
    args.update(kw)
    return package_change_log(
        actor=actor, package=package, new_weekly_hours=D(hours), effective=effective, today=today, **args
    )


def hours(package, day):
    package.refresh_from_db()
    return ledger.hours_on(package.planned_weekly_hours, list(package.changes.all()), day)


@pytest.fixture
def coordinator_p1(provider):
    return make_user(provider, Role.COORDINATOR)


def test_a_decrease_within_the_limits_applies_from_its_date_at_once(assessor, pk1, coordinator_p1):
    # 12 -> 9 from Monday 8 Sep: 3 hours and 25%, both at the limit.
    change = log(assessor, pk1, "9", effective=date(2025, 9, 8))
    assert change.status == "applied" and not change.prior_approval
    assert (change.by, change.decision, change.submitted_for_approval) == ("provider", "pending", None)
    assert hours(pk1, date(2025, 9, 7)) == D("12")
    assert hours(pk1, date(2025, 9, 8)) == D("9")
    # The coordinator is asked to change the care plan to match.
    note = Notification.objects.get(user=coordinator_p1)
    assert note.subject == "Change the care plan: person Q1 has 9.00 hours a week from 8 September 2025"
    assert note.url == "/outcomes/people/Q1/?provider=P1"
    # The write is audited with who made it.
    event = Events.objects.tracks(change).get()
    assert event.pgh_label == "insert" and event.pgh_context["user"] == assessor.pk


def test_a_change_beyond_the_limits_waits_and_applies_only_once_approved(assessor, pk1, social_worker):
    # 12 -> 8 is 4 hours: beyond the 3-hour limit.
    change = log(assessor, pk1, "8", effective=date(2025, 9, 10))
    assert change.status == "waiting_approval" and change.prior_approval
    assert change.submitted_for_approval == TODAY  # straight into the social worker's queue
    assert hours(pk1, date(2025, 9, 30)) == D("12")
    assert Notification.objects.get(user=social_worker).kind == "change_submitted"

    # Approved two days later: it applies from the decision, not the date first asked for.
    decided = package_change_decide(actor=social_worker, change=change, decision="approved", today=date(2025, 9, 12))
    assert (decided.status, decided.effective, decided.decided) == ("approved", date(2025, 9, 12), date(2025, 9, 12))
    assert decided.requested_effective == date(2025, 9, 10)
    assert hours(pk1, date(2025, 9, 11)) == D("12")
    assert hours(pk1, date(2025, 9, 12)) == D("8")


def test_an_approved_change_asked_for_a_later_date_applies_from_that_date(assessor, pk1, social_worker):
    change = log(assessor, pk1, "16", effective=date(2025, 9, 29))  # 4 hours more: beyond the limit
    package_change_decide(actor=social_worker, change=change, decision="approved", today=TODAY)
    assert hours(pk1, date(2025, 9, 28)) == D("12")
    assert hours(pk1, date(2025, 9, 29)) == D("16")


def test_a_rejected_change_waiting_for_approval_never_applies(assessor, pk1, social_worker):
    change = log(assessor, pk1, "6", effective=date(2025, 9, 8))
    rejected = package_change_decide(
        actor=social_worker, change=change, decision="rejected", reason="Needs an OT assessment first", today=TODAY
    )
    # Moved to the decision day, on which it is also reverted: in force on no day by either rule.
    assert (rejected.status, rejected.effective, rejected.decided) == ("rejected", TODAY, TODAY)
    for day in (date(2025, 9, 8), TODAY, date(2025, 12, 1)):
        assert hours(pk1, day) == D("12")


def test_a_rejection_reverts_the_hours_from_the_decision_date(assessor, pk1, social_worker, coordinator_p1):
    change = log(assessor, pk1, "10", effective=date(2025, 9, 8))
    package_change_submit(actor=assessor, change=change, today=TODAY)
    package_change_decide(
        actor=social_worker, change=change, decision="rejected", reason="Evenings still needed", today=date(2025, 9, 17)
    )
    assert hours(pk1, date(2025, 9, 16)) == D("10")
    assert hours(pk1, date(2025, 9, 17)) == D("12")
    # The assessor who logged it and the coordinators hear of it; the coordinator is asked to put the plan back.
    decided = Notification.objects.filter(kind="change_decided")
    assert {n.user_id for n in decided} == {assessor.pk, coordinator_p1.pk}
    body = decided.get(user=coordinator_p1).body
    assert "The hours go back to 12.00 hours a week from 17 September 2025: put the care plan back." in body
    assert "The reason is on the change's page." in body and "Evenings" not in body  # emailed: no free text


def test_a_social_workers_own_change_applies_at_once_and_needs_no_approval(social_worker, pk1):
    change = log(social_worker, pk1, "20", effective=date(2025, 9, 15))  # 8 hours more: no limit for them
    assert (change.by, change.decision, change.decided, change.status) == (
        "social_worker",
        "approved",
        TODAY,
        "approved",
    )
    assert not change.prior_approval and change.submitted_for_approval is None
    assert hours(pk1, date(2025, 9, 15)) == D("20")


@pytest.mark.parametrize(
    ("effective", "ok"),
    [
        (date(2025, 9, 3), True),  # 7 days back
        (date(2025, 9, 2), False),  # 8 days back
        (date(2025, 10, 8), True),  # 28 days ahead
        (date(2025, 10, 9), False),  # 29 days ahead
    ],
)
def test_the_effective_date_is_from_7_days_back_to_28_ahead(assessor, pk1, effective, ok):
    if ok:
        assert log(assessor, pk1, "11", effective=effective).effective == effective
        return
    with pytest.raises(ValidationError) as exc:
        log(assessor, pk1, "11", effective=effective)
    expected = (
        "The change cannot take effect more than 7 days ago (the earliest is 3 September 2025)."
        if effective < TODAY
        else "The change cannot take effect more than 28 days ahead (the latest is 8 October 2025)."
    )
    assert exc.value.message_dict == {"effective": [expected]}
    assert not PackageChange.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-0.5", "Weekly hours cannot be below 0."),
        ("168.01", "Weekly hours cannot be more than 168 (every hour of the week)."),
        ("10.125", "Give the hours to at most 2 decimal places (10.25 is 10 hours 15 minutes)."),
        ("12", "The package is already 12.00 hours a week then: nothing would change."),
    ],
)
def test_hours_out_of_range_are_refused(assessor, pk1, value, message):
    with pytest.raises(ValidationError) as exc:
        log(assessor, pk1, value)
    assert exc.value.message_dict == {"new_weekly_hours": [message]}


def test_168_hours_is_allowed_but_waits_for_approval(assessor, pk1):
    assert log(assessor, pk1, "168").status == "waiting_approval"


def test_every_problem_is_reported_at_once_and_nothing_is_saved(assessor, pk1):
    with pytest.raises(ValidationError) as exc:
        log(
            assessor, pk1, "-1", effective=date(2025, 11, 1), consent_by=None, consent_date=date(2025, 9, 11), reason=""
        )
    assert exc.value.message_dict == {
        "new_weekly_hours": ["Weekly hours cannot be below 0."],
        "effective": ["The change cannot take effect more than 28 days ahead (the latest is 8 October 2025)."],
        "reason": ["Choose the reason for the change."],
        "consent_by": ["Record who agreed to the change: the person, their advocate or their family."],
        "consent_date": ["The date they agreed cannot be in the future."],
    }
    assert not PackageChange.objects.exists() and not Notification.objects.exists()


def test_only_one_change_may_wait_for_prior_approval(assessor, pk1):
    first = log(assessor, pk1, "8")
    with pytest.raises(ValidationError) as exc:
        log(assessor, pk1, "11", effective=date(2025, 9, 12))
    assert exc.value.message_dict == {
        "__all__": [
            f"Change {first.ref} to this package is waiting for the social worker's approval: "
            "it must be decided before another change is logged."
        ]
    }


def test_small_changes_cannot_add_up_past_the_limits(assessor, pk1):
    # 12 -> 10 applies (2 hours, 16.7%); 10 -> 8 is only 2 hours but 4 from the 12 last agreed.
    assert log(assessor, pk1, "10", effective=date(2025, 9, 8)).status == "applied"
    assert log(assessor, pk1, "8", effective=date(2025, 9, 15)).status == "waiting_approval"


def test_changes_are_submitted_four_weeks_after_they_take_effect(assessor, pk1, social_worker):
    change = log(assessor, pk1, "10", effective=date(2025, 9, 8))
    # 8 Sep + 28 days = 6 Oct: not on 5 Oct, then once on 6 Oct, and a second run changes nothing.
    assert package_changes_submit_due(today=date(2025, 10, 5)) == []
    assert package_changes_submit_due(today=date(2025, 10, 6)) == [change.pk]
    assert package_changes_submit_due(today=date(2025, 10, 7)) == []
    change.refresh_from_db()
    assert (change.status, change.submitted_for_approval, change.submitted_by) == ("submitted", date(2025, 10, 6), None)
    assert Notification.objects.filter(user=social_worker, kind="change_submitted").count() == 1
    event = Events.objects.tracks(change).order_by("pgh_id").last()
    assert event.pgh_context["command"] == "package_change_submit"


def test_a_change_can_be_submitted_early_but_only_once(assessor, pk1):
    change = log(assessor, pk1, "10", effective=date(2025, 9, 8))
    submitted = package_change_submit(actor=assessor, change=change, today=date(2025, 9, 11))
    assert (submitted.status, submitted.submitted_for_approval, submitted.submitted_by) == (
        "submitted",
        date(2025, 9, 11),
        assessor,
    )
    with pytest.raises(ValidationError) as exc:
        package_change_submit(actor=assessor, change=change, today=date(2025, 9, 12))
    assert exc.value.messages == ["This change was already submitted on 11 September 2025."]


def test_a_decision_needs_a_submitted_undecided_change_and_a_reason_to_reject(assessor, pk1, social_worker):
    change = log(assessor, pk1, "10", effective=date(2025, 9, 8))
    with pytest.raises(ValidationError) as exc:
        package_change_decide(actor=social_worker, change=change, decision="approved", today=TODAY)
    assert exc.value.message_dict == {"decision": ["This change has not been submitted for approval yet."]}
    package_change_submit(actor=assessor, change=change, today=TODAY)
    with pytest.raises(ValidationError) as exc:
        package_change_decide(actor=social_worker, change=change, decision="rejected", reason=" ", today=TODAY)
    assert exc.value.message_dict == {"reason": ["Give the reason for rejecting the change: the provider will see it."]}
    package_change_decide(actor=social_worker, change=change, decision="approved", today=TODAY)
    with pytest.raises(ValidationError) as exc:
        package_change_decide(
            actor=social_worker, change=change, decision="rejected", reason="Changed my mind", today=TODAY
        )
    assert exc.value.message_dict == {"decision": ["This change was already approved on 10 September 2025."]}


def test_who_may_log_submit_and_decide(
    assessor, pk1, pk2, social_worker, trust_social_worker, coordinator_p1, other_assessor
):
    with pytest.raises(PermissionDenied):
        log(coordinator_p1, pk1, "10")
    with pytest.raises(PermissionDenied):
        log(other_assessor, pk1, "10")
    # The council commissions lot 1, the trust lot 2: each social worker changes and decides only their own lot.
    with pytest.raises(PermissionDenied):
        log(trust_social_worker, pk1, "10")
    with pytest.raises(PermissionDenied):
        log(social_worker, pk2, "9")
    change = log(assessor, pk1, "8")  # waiting
    with pytest.raises(PermissionDenied):
        package_change_decide(actor=trust_social_worker, change=change, decision="approved", today=TODAY)
    with pytest.raises(PermissionDenied):
        package_change_decide(actor=assessor, change=change, decision="approved", today=TODAY)
    with pytest.raises(PermissionDenied):
        package_change_submit(actor=social_worker, change=change, today=TODAY)


def test_a_lot_without_limits_sends_every_change_for_approval(assessor, pk2):
    # Lot 2 has no trusted-assessor limits: even half an hour waits.
    assert log(assessor, pk2, "9.5").status == "waiting_approval"
