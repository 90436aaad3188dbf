"""The referral workflow as commissioners and providers live it: first refusal for the prime provider,
accepting (the person and their package appear), declining and passing on to the next provider as a
linked referral, withdrawing, and every bad input reported at once with nothing saved."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from commissioning.models import Contract, Lot, Referral, Role
from homecare.api_errors import DomainError
from homecare.lib.dates import LONDON
from outcomes.models import Package, Person
from outcomes.referrals import services
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def social_worker(council):
    return make_user(council, Role.SOCIAL_WORKER)


@pytest.fixture
def area(contract, other_contract):
    """One neighbourhood, two contracts: P1 the prime provider, P2 in partnership."""
    Contract.objects.filter(pk=other_contract.pk).update(model="partnership")
    return contract.neighbourhood


def broker(actor, neighbourhood, **kw):
    args = {"lot": 1, "person_ref": "SC-1001", "planned_weekly_hours": Decimal("7.50")} | kw
    return services.referral_broker(actor=actor, neighbourhood=neighbourhood, **args)


def freeze(monkeypatch, when: datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: when)


def test_a_referral_goes_to_the_prime_provider_first(social_worker, area, provider):
    before = timezone.now()
    r = broker(social_worker, area, priority=True, notes="Lives alone; key safe 1234")
    assert r.provider == provider and r.contract.ref == "C-P1"
    assert r.outcome == "pending" and r.person is None and r.decided is None and r.start_agreed is None
    assert before <= r.received <= timezone.now()
    assert r.ref == f"BR-{r.pk:06d}" and r.commissioner.ref == "LCC" and r.brokered_by == social_worker


def test_a_prime_provider_contract_comes_before_a_partnership_whatever_the_reference(
    social_worker, area, contract, other_contract
):
    Contract.objects.filter(pk=contract.pk).update(model="spot")
    assert broker(social_worker, area).contract.ref == "C-P2"  # partnership before spot
    Contract.objects.filter(pk=contract.pk).update(model="partnership")
    Lot.objects.filter(contract=other_contract, number=1).update(expected_weekly_hours=Decimal("10"))
    assert broker(social_worker, area).contract.ref == "C-P1"  # equals: the one expecting more hours


def test_only_contracts_with_the_lot_commissioned_by_the_broker_and_active_today_are_offered(
    social_worker, area, contract, other_contract, trust
):
    Contract.objects.filter(pk=contract.pk).update(end=date(2025, 12, 31))  # ended
    assert broker(social_worker, area).contract.ref == "C-P2"
    Contract.objects.filter(pk=other_contract.pk).update(end=date(2025, 12, 31))
    with pytest.raises(DomainError) as e:
        broker(social_worker, area)
    assert e.value.errors == [
        {
            "path": "neighbourhood",
            "message": f"City Council commissions no lot 1 in Area 1 on {timezone.now().astimezone(LONDON):%-d %B %Y}.",
        }
    ]
    # Lot 2 is the trust's: the council cannot broker it anywhere.
    with pytest.raises(DomainError) as e:
        broker(social_worker, area, lot=2)
    assert e.value.errors[0]["path"] == "neighbourhood"


def test_every_bad_input_is_reported_at_once_and_nothing_is_saved(social_worker, area):
    tomorrow = timezone.now() + timedelta(days=1)
    with pytest.raises(DomainError) as e:
        services.referral_broker(
            actor=social_worker,
            neighbourhood=None,
            lot=3,
            person_ref="  ",
            planned_weekly_hours=Decimal("0"),
            requested_start=date(2020, 1, 1),
            received=tomorrow,
            notes="x" * 2001,
        )
    assert sorted(err["path"] for err in e.value.errors) == [
        "lot",
        "neighbourhood",
        "notes",
        "person",
        "planned_weekly_hours",
        "received",
        "requested_start",
    ]
    assert Referral.objects.count() == 0


def test_providers_cannot_broker_and_commissioners_cannot_answer(coordinator, social_worker, area):
    with pytest.raises(DomainError) as e:
        broker(coordinator, area)
    assert e.value.status_code == 403
    r = broker(social_worker, area)
    with pytest.raises(DomainError) as e:
        services.referral_accept(actor=social_worker, referral_id=r.pk, start=date.today())
    assert e.value.status_code == 403


def test_accepting_creates_the_person_and_an_empty_package_and_records_the_spec_times(
    monkeypatch, social_worker, coordinator, area, provider
):
    received = datetime(2026, 11, 20, 16, 30, tzinfo=LONDON)  # a Friday afternoon
    freeze(monkeypatch, received)
    r = broker(social_worker, area, requested_start=date(2026, 11, 23))
    agreed = datetime(2026, 11, 23, 10, 15, tzinfo=LONDON)  # Monday morning: within one working day
    freeze(monkeypatch, agreed)
    r = services.referral_accept(actor=coordinator, referral_id=r.pk, start=date(2026, 11, 24))
    assert (r.outcome, r.start_agreed, r.decided, r.start_date) == ("started", agreed, agreed, date(2026, 11, 24))
    person = Person.objects.get(provider=provider, ref="SC-1001")
    assert (person.contract.ref, person.lot) == ("C-P1", 1) and r.person == person
    package = Package.objects.get(person=person)
    assert (package.start, package.planned_weekly_hours, package.lot, package.end) == (
        date(2026, 11, 24),
        Decimal("7.50"),
        1,
        None,
    )
    assert package.review_due == date(2026, 11, 24) + timedelta(days=42)
    assert r.package == package
    # The clocks as the queue shows them: agreed on time (deadline: the end of Monday 23 November).
    from outcomes.referrals.clocks import clocks_for

    clocks = clocks_for(r, first_check_in=None, now=agreed)
    assert clocks["agree"].state == "met"
    assert clocks["agree"].deadline == datetime(2026, 11, 23, 23, 59, 59, tzinfo=LONDON)
    assert clocks["start"].deadline == received + timedelta(hours=72) and clocks["start"].state == "running"


def test_a_start_agreed_before_the_referral_or_a_second_answer_is_refused(social_worker, coordinator, area):
    r = broker(social_worker, area)
    with pytest.raises(DomainError) as e:
        services.referral_accept(actor=coordinator, referral_id=r.pk, start=date(2020, 1, 1))
    assert e.value.errors[0]["path"] == "start"
    assert Referral.objects.get(pk=r.pk).outcome == "pending" and not Person.objects.exists()
    services.referral_decline(actor=coordinator, referral_id=r.pk, reason="No carers free on that round")
    with pytest.raises(DomainError) as e:
        services.referral_accept(actor=coordinator, referral_id=r.pk, start=date.today())
    assert e.value.status_code == 409


def test_declining_needs_a_reason(social_worker, coordinator, area):
    r = broker(social_worker, area)
    with pytest.raises(DomainError) as e:
        services.referral_decline(actor=coordinator, referral_id=r.pk, reason=" ")
    assert e.value.errors == [{"path": "reason", "message": "Enter the reason for declining."}]


def test_a_declined_referral_is_passed_on_to_the_next_provider_as_a_new_linked_referral(
    monkeypatch, social_worker, coordinator, area, other_provider
):
    freeze(monkeypatch, datetime(2026, 11, 16, 9, 0, tzinfo=LONDON))
    first = broker(social_worker, area, priority=True)
    freeze(monkeypatch, datetime(2026, 11, 16, 11, 0, tzinfo=LONDON))
    services.referral_decline(actor=coordinator, referral_id=first.pk, reason="Round full")
    choices = services.pass_on_choices(actor=social_worker, referral=Referral.objects.get(pk=first.pk))
    assert [c.ref for c in choices] == ["C-P2"]  # P1 declined: not offered again
    freeze(monkeypatch, datetime(2026, 11, 16, 11, 30, tzinfo=LONDON))
    second = services.referral_pass_on(actor=social_worker, referral_id=first.pk)
    assert (second.provider, second.previous_id, second.outcome) == (other_provider, first.pk, "pending")
    assert second.received == datetime(2026, 11, 16, 11, 30, tzinfo=LONDON)  # its clocks start now
    assert (second.person_ref, second.priority, second.planned_weekly_hours) == ("SC-1001", True, Decimal("7.50"))
    first = Referral.objects.get(pk=first.pk)
    assert (first.outcome, first.decided) == ("declined", datetime(2026, 11, 16, 11, 0, tzinfo=LONDON))
    with pytest.raises(DomainError) as e:
        services.referral_pass_on(actor=social_worker, referral_id=first.pk)
    assert e.value.status_code == 409
    # P2 declines too: nobody is left to offer it to.
    p2 = make_user(other_provider, Role.COORDINATOR)
    services.referral_decline(actor=p2, referral_id=second.pk, reason="No capacity")
    assert services.pass_on_choices(actor=social_worker, referral=Referral.objects.get(pk=second.pk)) == []


def test_only_a_pending_referral_can_be_withdrawn_and_only_by_its_lots_commissioner(
    social_worker, coordinator, area, trust
):
    r = broker(social_worker, area)
    with pytest.raises(DomainError) as e:
        services.referral_withdraw(actor=coordinator, referral_id=r.pk)
    assert e.value.status_code == 403
    trust_officer = make_user(trust, Role.COMMISSIONER_OFFICER)  # commissions lot 2, not this lot 1
    with pytest.raises(DomainError) as e:
        services.referral_withdraw(actor=trust_officer, referral_id=r.pk)
    assert e.value.status_code == 403
    r = services.referral_withdraw(actor=social_worker, referral_id=r.pk, reason="Moved to a care home")
    assert (r.outcome, r.outcome_reason) == ("withdrawn", "Moved to a care home") and r.decided is not None
    with pytest.raises(DomainError) as e:
        services.referral_withdraw(actor=social_worker, referral_id=r.pk)
    assert e.value.status_code == 409


def test_a_returning_person_keeps_their_record(social_worker, coordinator, area, provider, contract):
    existing = Person.objects.create(provider=provider, ref="SC-1001", contract=contract, lot=1)
    r = broker(social_worker, area)
    r = services.referral_accept(actor=coordinator, referral_id=r.pk, start=date.today())
    assert r.person == existing and Person.objects.count() == 1
