"""Care plans: slots, their effective-dated changes, the weekly hours beside the package's, and the read
functions other pages use (planned against delivered, continuity). Figures worked out by hand."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from rota.careplans import care_plan_slot_change, care_plan_slot_end, default_window, describe_days
from rota.plan_models import CarePlanSlot
from rota.selectors import care_plan, continuity, visits_planned_delivered
from tests.reporting.return_builders import d
from tests.rota.builders import RotaScenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(contract):
    return RotaScenario(contract)


@pytest.fixture
def manager(s):
    return s.user("provider_manager", email="m@p1.example")


def test_the_window_is_30_minutes_either_side_or_15_when_time_critical():
    assert default_window(time(8, 0)) == (time(7, 30), time(8, 30))
    assert default_window(time(8, 0), time_critical=True) == (time(7, 45), time(8, 15))
    # Kept inside the day.
    assert default_window(time(0, 10)) == (time(0, 0), time(0, 40))
    assert default_window(time(23, 45)) == (time(23, 15), time(23, 59))


def test_days_read_as_people_write_them():
    assert describe_days([1, 2, 3, 4, 5]) == "Mon to Fri"
    assert describe_days([1, 3, 5]) == "Mon, Wed, Fri"
    assert describe_days(range(1, 8)) == "Every day"


def test_the_plan_shows_its_weekly_hours_beside_the_package(s, manager):
    person = s.person()
    package = s.package(person, start="2026-11-02", hours="7.00")
    s.slot(package, start="08:00", minutes=30)  # every day: 7 x 30 min = 3.5 h
    s.slot(package, days=(1, 3, 5), start="18:00", minutes=60, carers_required=2)  # 3 h, 6 care worker hours
    plan = care_plan(actor=manager, package=package, on=d("2026-12-07"))
    assert plan.weekly_person_hours == Decimal("6.50")
    assert plan.weekly_staff_hours == Decimal("9.50")
    assert plan.planned_weekly_hours == Decimal("7.00")
    assert plan.difference == Decimal("-0.50") and plan.differs


def test_a_change_from_a_day_keeps_the_plan_as_it_was_before(s, manager):
    person = s.person()
    package = s.package(person, start="2026-11-02", hours="5.25")
    slot = s.slot(package, start="08:00", minutes=30)
    new = care_plan_slot_change(slot=slot, effective=d("2026-12-10"), minutes=45, generate=False)
    slot.refresh_from_db()
    assert slot.valid_until == d("2026-12-09") and new.valid_from == d("2026-12-10") and new.replaces == slot
    assert (new.start, new.earliest, new.latest) == (time(8, 0), time(7, 30), time(8, 30))
    # Before the change 7 x 30 min = 3.50 h; after it 7 x 45 min = 5.25 h, what the package pays for.
    before = care_plan(actor=manager, package=package, on=d("2026-12-09"))
    after = care_plan(actor=manager, package=package, on=d("2026-12-10"))
    assert (before.weekly_person_hours, before.differs) == (Decimal("3.50"), True)
    assert (after.weekly_person_hours, after.differs) == (Decimal("5.25"), False)
    # The old slot is history from the day of the change.
    assert [x.ref for x in before.ended] == [] and [x.ref for x in after.ended] == [slot.ref]
    assert [x.ref for x in before.later] == [new.ref]


def test_a_change_on_the_first_day_changes_the_slot_itself(s):
    package = s.package(s.person(), start="2026-11-02")
    slot = s.slot(package, valid_from="2026-12-10")
    same = care_plan_slot_change(
        slot=slot, effective=d("2026-12-10"), start=time(9, 0), time_critical=True, generate=False
    )
    assert same.pk == slot.pk and (same.earliest, same.latest) == (time(8, 45), time(9, 15))
    assert CarePlanSlot.objects.filter(package=package).count() == 1


def test_package_changes_count_as_the_weekly_return_counts_them(s, manager):
    package = s.package(s.person(), start="2026-11-02", hours="7.00")
    s.slot(package, minutes=60)  # 7 h
    s.change(package, "2026-11-16", "10.00", decision="approved")
    s.change(package, "2026-11-23", "12.00", decision="rejected", decided="2026-11-30")
    # 23-29 Nov: the rejected change applies until it is decided; from 30 Nov back to 10.00.
    assert care_plan(actor=manager, package=package, on=d("2026-11-25")).planned_weekly_hours == Decimal("12.00")
    assert care_plan(actor=manager, package=package, on=d("2026-12-01")).planned_weekly_hours == Decimal("10.00")


def test_ending_a_slot_before_it_starts_removes_it(s):
    package = s.package(s.person(), start="2026-11-02")
    slot = s.slot(package, valid_from="2026-12-10")
    assert care_plan_slot_end(slot=slot, last_day=d("2026-12-01"), generate=False) is None
    assert not CarePlanSlot.objects.filter(pk=slot.pk).exists()


def test_a_slot_outside_the_package_is_refused(s):
    package = s.package(s.person(), start="2026-11-02", end="2026-11-30")
    with pytest.raises(ValidationError) as exc:
        s.slot(package, valid_from="2026-10-01")
    assert "starts on 2 November 2026" in str(exc.value)
    with pytest.raises(ValidationError):
        s.slot(package, valid_from="2026-12-01")


def test_another_providers_package_is_not_found(s, other_provider_user):
    from django.http import Http404

    package = s.package(s.person(), start="2026-11-02")
    with pytest.raises(Http404):
        care_plan(actor=other_provider_user, package=package)


def test_continuity_counts_the_last_four_weeks_of_check_ins(s, manager):
    person = s.person()
    s.package(person, start="2026-10-01")
    a, b, c, e, f = (s.worker() for _ in range(5))
    # In the 4 weeks before 7 Dec 2026 (9 Nov - 6 Dec): a 5 times, b 3, c 1, e 1 -> 10 attendances,
    # 4 care workers; the 3 most frequent made 9 of 10 = 90%. f came on 1 Nov, too long ago.
    days = ["2026-11-10", "2026-11-12", "2026-11-14", "2026-11-20", "2026-12-06"]
    for i, day in enumerate(days):
        s.visit(person, f"{day} 08:00", attend=[(a, f"{day} 08:00", f"{day} 08:30")])
        if i < 3:
            s.visit(person, f"{day} 18:00", attend=[(b, f"{day} 18:00", f"{day} 18:30")])
    s.visit(person, "2026-11-22 12:00", attend=[(c, "2026-11-22 12:00", "2026-11-22 12:30")])
    s.visit(person, "2026-11-23 12:00", attend=[(e, "2026-11-23 12:00", "2026-11-23 12:30")])
    s.visit(person, "2026-11-01 12:00", attend=[(f, "2026-11-01 12:00", "2026-11-01 12:30")])
    got = continuity(actor=manager, people=[person], on=d("2026-12-07"))[person.pk]
    assert (got.visits, got.workers, got.top_share, got.top_percent) == (10, 4, Decimal("0.900"), 90)
    assert got.top_workers == [a.pk, b.pk, c.pk]


def test_continuity_of_someone_else_is_left_out(s, other_provider_user):
    person = s.person()
    assert continuity(actor=other_provider_user, people=[person]) == {}


def test_planned_against_delivered_per_week(s, manager):
    person = s.person()
    s.package(person, start="2026-10-01")
    a, b = s.worker(), s.worker()
    # Week of 23 Nov: delivered (longest attendance 28 min), a two-carer hour with one carer (not
    # delivered), one cancelled by the person (not counted).
    s.visit(person, "2026-11-24 08:00", 30, attend=[(a, "2026-11-24 08:00", "2026-11-24 08:28")])
    s.visit(person, "2026-11-25 08:00", 60, carers=2, attend=[(a, "2026-11-25 08:00", "2026-11-25 09:00")])
    s.visit(person, "2026-11-26 08:00", 30, status="cancelled_by_person")
    # Week of 30 Nov: a two-carer visit both carers did: 45 and 40 minutes -> 0.75 h delivered.
    s.visit(
        person,
        "2026-12-01 08:00",
        45,
        carers=2,
        attend=[(a, "2026-12-01 08:00", "2026-12-01 08:45"), (b, "2026-12-01 08:05", "2026-12-01 08:45")],
    )
    weeks = visits_planned_delivered(actor=manager, person=person, weeks=2, end=d("2026-12-02"))
    assert [w.week for w in weeks] == [d("2026-11-23"), d("2026-11-30")]
    first, second = weeks
    assert (first.planned, first.delivered, first.planned_hours, first.delivered_hours) == (
        2,
        1,
        Decimal("1.50"),
        Decimal("0.47"),
    )
    assert first.not_counted == {"cancelled_by_person": 1} and first.delivered_percent == Decimal("50.0")
    assert (second.planned, second.delivered, second.planned_hours, second.delivered_hours) == (
        1,
        1,
        Decimal("0.75"),
        Decimal("0.75"),
    )
