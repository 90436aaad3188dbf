"""rota_generate: a week's visits from the care plans. Idempotent; never changes what people did;
replaces the untouched visits of a changed slot; hospital stays give `hospital`. All figures by hand.

The care plan: Mon-Fri 08:00 for 30 minutes, Saturday 18:00 an hour with two carers. Generated for
the week of Monday 7 December 2026 as seen on Friday 4 December."""

from __future__ import annotations

import io
from datetime import time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from homecare.lib.dates import iso_week
from rota.assignments import visit_reschedule
from rota.careplans import care_plan_slot_change, care_plan_slot_end
from rota.generate import rota_generate
from rota.models import Attendance, Visit
from rota.plan_models import RotaChange
from rota.publishing import rota_publish
from tests.reporting.return_builders import d, t
from tests.rota.builders import RotaScenario

pytestmark = pytest.mark.django_db
NOW = t("2026-12-04 14:00")
WEEK = d("2026-12-07")


@pytest.fixture
def s(contract):
    return RotaScenario(contract)


@pytest.fixture
def plan(s):
    team = s.team()
    person = s.person(lat=53.80, lon=-1.60)
    package = s.package(person, start="2026-11-02", ref="PK-ANN")
    weekday = s.slot(package, days=(1, 2, 3, 4, 5), start="08:00", minutes=30, team=team, ref="ANN-AM")
    saturday = s.slot(package, days=(6,), start="18:00", minutes=60, carers_required=2, team=team, ref="ANN-SAT")
    return dict(team=team, person=person, package=package, weekday=weekday, saturday=saturday)


def visits(s):
    return [
        (v.ref, f"{timezone.localtime(v.planned_start):%a %H:%M}", (v.planned_end - v.planned_start).seconds // 60,
         v.carers_required, v.status)
        for v in Visit.objects.filter(provider=s.provider).order_by("planned_start")
    ]  # fmt: skip


def generate(s, now=NOW, week=WEEK):
    return rota_generate(provider=s.provider, week=week, now=now)


def test_the_week_is_made_from_the_plan(s, plan):
    result = generate(s)
    assert (result.created, result.updated, result.removed, result.kept) == (6, 0, 0, 0)
    assert visits(s) == [
        ("ANN-AM-20261207", "Mon 08:00", 30, 1, "scheduled"),
        ("ANN-AM-20261208", "Tue 08:00", 30, 1, "scheduled"),
        ("ANN-AM-20261209", "Wed 08:00", 30, 1, "scheduled"),
        ("ANN-AM-20261210", "Thu 08:00", 30, 1, "scheduled"),
        ("ANN-AM-20261211", "Fri 08:00", 30, 1, "scheduled"),
        ("ANN-SAT-20261212", "Sat 18:00", 60, 2, "scheduled"),
    ]
    v = Visit.objects.get(ref="ANN-AM-20261207")
    assert (v.person, v.package, v.slot, v.team) == (plan["person"], plan["package"], plan["weekday"], plan["team"])


def test_twice_changes_nothing(s, plan):
    generate(s)
    before = list(Visit.objects.order_by("pk").values())
    result = generate(s)
    assert (result.created, result.updated, result.removed, result.kept) == (0, 0, 0, 0)
    assert list(Visit.objects.order_by("pk").values()) == before


def test_only_visits_from_now_on_are_made(s, plan):
    # Wednesday 9 December at 10:00: Monday to Wednesday's 08:00 visits are in the past.
    result = generate(s, now=t("2026-12-09 10:00"))
    assert [r[0] for r in visits(s)] == ["ANN-AM-20261210", "ANN-AM-20261211", "ANN-SAT-20261212"]
    assert result.created == 3


def test_a_hospital_stay_makes_hospital_visits(s, plan):
    # In hospital from Tuesday 10:00 to Thursday 12:00: Wednesday's and Thursday's 08:00 visits.
    s.stay(plan["person"], "2026-12-08 10:00", "2026-12-10 12:00")
    result = generate(s)
    assert [r[4] for r in visits(s)] == ["scheduled", "scheduled", "hospital", "hospital", "scheduled", "scheduled"]
    assert result.hospital == 2


def test_a_stay_recorded_later_frees_the_planned_worker(s, plan):
    generate(s)
    carer = s.carer(plan["team"])
    wed = Visit.objects.get(ref="ANN-AM-20261209")
    s.plan(wed, carer)
    s.stay(plan["person"], "2026-12-09 06:00")  # still in hospital
    result = generate(s)
    wed.refresh_from_db()
    # Wednesday, Thursday, Friday 08:00 and Saturday 18:00 fall in the stay.
    assert (wed.status, wed.assignments.count(), result.updated, result.hospital) == ("hospital", 0, 4, 4)


def test_a_touched_visit_survives_a_slot_change(s, plan):
    generate(s)
    carer = s.carer(plan["team"])
    wed, thu, fri = (Visit.objects.get(ref=r) for r in ("ANN-AM-20261209", "ANN-AM-20261210", "ANN-AM-20261211"))
    s.plan(wed, carer)
    # Thursday moved by hand to 08:15; Friday already has an attendance (an early check-in).
    visit_reschedule(visit=thu, start=t("2026-12-10 08:15"), minutes=30)
    Attendance.objects.create(provider=s.provider, visit=fri, worker=carer, check_in=t("2026-12-04 13:00"))
    # From Wednesday the weekday visit is at 09:00 for 45 minutes.
    new = care_plan_slot_change(
        slot=plan["weekday"], effective=d("2026-12-09"), start=time(9), minutes=45, generate=False
    )
    result = generate(s)
    assert visits(s)[:5] == [
        ("ANN-AM-20261207", "Mon 08:00", 30, 1, "scheduled"),
        ("ANN-AM-20261208", "Tue 08:00", 30, 1, "scheduled"),
        ("ANN-AM-20261209", "Wed 09:00", 45, 1, "scheduled"),  # the new slot's now, its carer kept
        ("ANN-AM-20261210", "Thu 08:15", 30, 1, "scheduled"),  # edited by hand: left alone
        ("ANN-AM-20261211", "Fri 08:00", 30, 1, "scheduled"),  # attended: left alone
    ]
    wed.refresh_from_db()
    assert wed.slot == new and list(wed.assignments.values_list("worker", flat=True)) == [carer.pk]
    # Wednesday updated; Thursday and Friday kept (the new slot would book them too).
    assert (result.created, result.updated, result.removed, result.kept) == (0, 1, 0, 2)
    assert generate(s).updated == 0


def test_ending_a_slot_removes_its_untouched_future_visits(s, plan):
    generate(s)
    thu = Visit.objects.get(ref="ANN-AM-20261210")
    visit_reschedule(visit=thu, start=t("2026-12-10 08:30"), minutes=30)
    care_plan_slot_end(slot=plan["weekday"], last_day=d("2026-12-08"), generate=False)
    result = generate(s)
    # Wednesday and Friday go; Thursday was moved by hand and stays.
    assert [r[0] for r in visits(s)] == ["ANN-AM-20261207", "ANN-AM-20261208", "ANN-AM-20261210", "ANN-SAT-20261212"]
    assert (result.removed, result.kept) == (2, 1)


def test_a_day_taken_out_of_the_plan_goes_and_a_published_carer_is_told(s, plan):
    generate(s)
    carer = s.carer(plan["team"], name="Sam Carer")
    tue = Visit.objects.get(ref="ANN-AM-20261208")
    s.plan(tue, carer)
    rota_publish(team=plan["team"], week=WEEK)
    care_plan_slot_change(slot=plan["weekday"], effective=plan["weekday"].valid_from, days=[1, 3, 4, 5], generate=False)
    assert generate(s).removed == 1
    assert not Visit.objects.filter(ref="ANN-AM-20261208").exists()
    change = RotaChange.objects.get(worker=carer)
    who = plan["person"].ref  # no name held: the care worker sees the ref
    assert change.summary == f"Visit taken off: Tue 8 Dec 08:00, Person {who} (no longer in the care plan)"


def test_no_visits_after_the_package_ends(s, plan):
    plan["package"].end = d("2026-12-09")
    plan["package"].save()
    generate(s)
    assert [r[0] for r in visits(s)] == ["ANN-AM-20261207", "ANN-AM-20261208", "ANN-AM-20261209"]


def test_a_cancelled_visit_is_not_made_again(s, plan):
    generate(s)
    Visit.objects.filter(ref="ANN-AM-20261207").update(status="cancelled_by_person")
    result = generate(s)
    assert (result.created, result.kept) == (0, 1)
    assert Visit.objects.get(ref="ANN-AM-20261207").status == "cancelled_by_person"


def test_the_command_generates_a_providers_week(s, plan):
    week = timezone.localdate() + timedelta(days=14)
    out = io.StringIO()
    call_command("rota_generate", "--provider", "P1", "--week", iso_week(week), stdout=out)
    assert f"P1 {iso_week(week)}: 6 created, 0 updated, 0 removed" in out.getvalue()
    out = io.StringIO()
    call_command("rota_generate", "--provider", "P1", "--week", iso_week(week), stdout=out)
    assert "0 created, 0 updated, 0 removed" in out.getvalue()


def test_the_nightly_job_keeps_two_weeks_ahead(s, plan):
    from homecare.lib.dates import local_midnight
    from rota.plan_models import AcquaintanceRefresh
    from rota.tasks import generate_ahead

    generate_ahead()
    today = timezone.localdate()
    third_sunday = today - timedelta(days=today.weekday()) + timedelta(days=20)
    made = Visit.objects.filter(slot__isnull=False)
    # Every visit from now on up to the Sunday two weeks ahead: the Saturday visit of that week is there.
    assert made.filter(ref=f"ANN-SAT-{third_sunday - timedelta(days=1):%Y%m%d}").exists()
    assert not made.filter(planned_start__lt=timezone.now()).exists()
    assert not made.filter(planned_start__gte=local_midnight(third_sunday + timedelta(days=1))).exists()
    # Who has met whom is worked out for today too; a second run changes nothing.
    assert AcquaintanceRefresh.objects.get(provider=s.provider).as_of == today
    count = made.count()
    generate_ahead()
    assert Visit.objects.filter(slot__isnull=False).count() == count
