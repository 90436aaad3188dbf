"""seed_demo: the same arguments give the same data, the pilot looks like the Leeds CHWS pilot, the
records hang together the way the importer demands, and seeding loads every record."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import datetime

import pytest
from django.core.management import call_command

from demo.generator import generate_bundle

WEEKS = 2


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def pilot(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "pilot.json"
    generate_bundle(str(path), scale="pilot", weeks=WEEKS, seed=1)
    return path


@pytest.fixture(scope="module")
def bundle(pilot):
    return json.loads(pilot.read_text())


def _minutes(a: str, b: str) -> float:
    return (datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds() / 60


def test_same_seed_gives_an_identical_bundle_and_another_seed_does_not(pilot, tmp_path):
    again, other = tmp_path / "again.json", tmp_path / "other.json"
    generate_bundle(str(again), scale="pilot", weeks=WEEKS, seed=1)
    generate_bundle(str(other), scale="pilot", weeks=WEEKS, seed=2)
    assert _sha(again) == _sha(pilot)
    assert _sha(other) != _sha(pilot)


def test_the_data_ends_with_the_documented_week(bundle):
    days = sorted({v["planned_start"][:10] for v in bundle["visits"]})
    # Default end week 2026-W47: Monday 9 to Sunday 22 November 2026 for two weeks.
    assert days[0] == "2026-11-09"
    assert days[-1] == "2026-11-22"


def test_pilot_headline_numbers_are_the_leeds_pilots(bundle):
    last_week = [v for v in bundle["visits"] if v["planned_start"][:10] >= "2026-11-16"]
    people = {v["person"] for v in last_week}
    hours = sum(_minutes(v["planned_start"], v["planned_end"]) for v in last_week) / 60
    two_handed = (
        sum(_minutes(v["planned_start"], v["planned_end"]) for v in last_week if v["carers_required"] == 2) / 60
    )
    assert 189 <= len(people) <= 231  # about 210 people
    assert 2970 <= hours <= 3630  # about 3,300 care hours a week
    assert 0.18 <= two_handed / hours <= 0.24  # 21% of hours two-handed
    assert {c["ref"]: c["model"] for c in bundle["contracts"]} == {
        "CHWS-CSH": "prime_provider",
        "CHWS-SCC": "prime_provider",
    }
    lot = bundle["contracts"][0]["lots"][0]
    # The pilot's 26.22 (2024-25) plus 4% in April 2025 and April 2026: 26.22 x 1.04 x 1.04 = 28.3595.
    assert (lot["hourly_rate"], lot["guaranteed_share"], lot["commissioner"]) == ("28.36", "0.80", "LCC")
    assert bundle["contracts"][0]["lots"][1]["commissioner"] == "LCH"
    homes = [p["home"] for p in bundle["people"]]
    assert all(53.79 <= h["lat"] <= 53.812 and -1.66 <= h["lon"] <= -1.60 for h in homes)


def test_the_rota_is_as_efficient_as_the_seeds_say_and_contracts_promise_the_rota(bundle):
    # Efficiency: care contact (check-in to check-out) over paid time (shift less unpaid break), per
    # provider: the seeds report 55-70% for neighbourhood models.
    paid, contact = defaultdict(float), defaultdict(float)
    for s in bundle["shifts"]:
        paid[s["worker"].split("-")[0]] += _minutes(s["start"], s["end"]) - s["unpaid_break_minutes"]
    for v in bundle["visits"]:
        for a in v["attendances"]:
            contact[a["worker"].split("-")[0]] += _minutes(a["check_in"], a["check_out"])
    for provider in ("CSH", "SCC"):
        assert 0.55 <= contact[provider] / paid[provider] <= 0.70, provider
    # A care shift is fitted to its run, to the quarter hour, at least two hours long.
    for s in bundle["shifts"]:
        if s["kind"] == "care":
            assert s["start"][14:16] in ("00", "15", "30", "45") and s["end"][14:16] in ("00", "15", "30", "45")
            assert _minutes(s["start"], s["end"]) >= 120
    # Guaranteed and salaried hours are what the runs give, not a nominal full shift a day: a provider's
    # contracts promise no more hours a week than its care shifts pay (spare cover and the zero-hours
    # staff make up the rest), so the pay run's top-ups are for absence, not idle promises.
    promised, care = defaultdict(float), defaultdict(float)
    for w in bundle["workers"]:
        promised[w["ref"].split("-")[0]] += float(w["contracted_weekly_hours"] or 0)
    for s in bundle["shifts"]:
        if s["kind"] == "care":
            care[s["worker"].split("-")[0]] += (_minutes(s["start"], s["end"]) - s["unpaid_break_minutes"]) / 60 / WEEKS
    for provider in ("CSH", "SCC"):
        assert 0 < promised[provider] <= care[provider], provider


def test_a_care_worker_is_never_in_two_places_and_always_on_shift(bundle):
    shifts = defaultdict(list)
    for s in bundle["shifts"]:
        shifts[s["worker"]].append((s["start"], s["end"]))
    for spans in shifts.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    visits_of_person = defaultdict(set)
    for p in bundle["packages"]:
        visits_of_person[p["person"]].add(p["ref"])
    attendances = defaultdict(list)
    for v in bundle["visits"]:
        assert v["package"] in visits_of_person[v["person"]]
        assert len({a["worker"] for a in v["attendances"]}) == len(v["attendances"]) <= v["carers_required"]
        for a in v["attendances"]:
            assert a["check_out"] > a["check_in"]
            assert abs(_minutes(v["planned_start"], a["check_in"])) <= 15
            attendances[a["worker"]].append((a["check_in"], a["check_out"]))
    for worker, spans in attendances.items():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), worker
        for check_in, check_out in spans:
            assert any(s <= check_in and check_out <= e for s, e in shifts[worker]), (worker, check_in)


def test_every_reference_points_at_a_record(bundle):
    refs = {name: {r["ref"] for r in bundle[name]} for name in ("people", "packages", "workers", "teams", "contracts")}
    assert {p["contract"] for p in bundle["people"]} <= refs["contracts"]
    assert {p["person"] for p in bundle["packages"]} <= refs["people"]
    assert {w["team"] for w in bundle["workers"]} <= refs["teams"]
    for name in ("shifts", "absences", "training_records"):
        assert {r["worker"] for r in bundle[name]} <= refs["workers"]
    for name in ("package_changes", "reviews"):
        assert {r["package"] for r in bundle[name]} <= refs["packages"]
    for name in ("referrals", "hospital_stays", "outcome_assessments"):
        assert {r["person"] for r in bundle[name]} <= refs["people"]
    for name in bundle:
        if isinstance(bundle[name], list) and bundle[name] and "ref" in bundle[name][0]:
            assert len({r["ref"] for r in bundle[name]}) == len(bundle[name]), name


@pytest.mark.django_db(
    transaction=True, databases=["default", "maintenance"]
)  # seed_demo loads as the maintenance role
def test_seeding_loads_every_record_of_the_bundle_and_plans_the_rota(tmp_path, pilot, bundle):
    from datetime import date

    from homecare.lib.dates import LONDON
    from outcomes.models import Package, Person
    from rota.models import Assignment, Attendance, CarePlanSlot, Publication, Shift, Visit
    from workforce.models import Team, Worker

    out = tmp_path / "seeded.json"
    call_command("seed_demo", scale="pilot", weeks=WEEKS, seed=1, out=str(out))
    assert _sha(out) == _sha(pilot)
    imported = Visit.objects.filter(slot__isnull=True)
    assert imported.count() == len(bundle["visits"])
    assert Attendance.objects.count() == sum(len(v["attendances"]) for v in bundle["visits"])
    assert Worker.objects.count() == len(bundle["workers"])
    assert Person.objects.count() == len(bundle["people"])
    assert Package.objects.count() == len(bundle["packages"])
    # Every package has a care plan, and it matches the visits: each visit of the data's last week is
    # booked by a slot of its package on that weekday, at that time, for that long.
    assert set(CarePlanSlot.objects.values_list("package__ref", flat=True)) == {p["ref"] for p in bundle["packages"]}
    slots = defaultdict(list)
    for sl in CarePlanSlot.objects.select_related("package"):
        slots[sl.package.ref].append(sl)
    last_week = [v for v in bundle["visits"] if v["planned_start"] >= "2026-11-16"]
    for v in last_week:
        start = datetime.fromisoformat(v["planned_start"])
        assert any(
            sl.valid_on(start.date())
            and start.isoweekday() in sl.days
            and sl.start == start.time()
            and sl.minutes == _minutes(v["planned_start"], v["planned_end"])
            for sl in slots[v["package"]]
        ), v["ref"]
    # Past visits are planned for whoever attended them.
    assert Assignment.objects.filter(visit__slot__isnull=True).count() == Attendance.objects.count()
    # The two weeks after the data (23 November - 6 December) are made from the care plans, most of
    # their visits planned, a few left for the coordinator; the first of them is published.
    planned = Visit.objects.filter(slot__isnull=False)
    first = min(planned.values_list("planned_start", flat=True))
    assert first.date() >= date(2026, 11, 23) and max(planned.values_list("planned_start", flat=True)).date() <= date(
        2026, 12, 6
    )
    open_ = planned.filter(status="scheduled")
    share = open_.filter(assignments__isnull=False).distinct().count() / open_.count()
    assert 0.9 < share < 1, share
    assert Shift.objects.filter(start__gte=datetime(2026, 11, 23, tzinfo=LONDON)).exists()
    teams = Team.objects.count()
    assert Publication.objects.filter(week=date(2026, 11, 23)).count() == teams
    assert not Publication.objects.filter(week=date(2026, 11, 30)).exists()
    # Seeding again changes nothing: records are matched by ref.
    before = [m.objects.count() for m in (Visit, Assignment, CarePlanSlot, Shift, Publication)]
    call_command("seed_demo", scale="pilot", weeks=WEEKS, seed=1)
    assert [m.objects.count() for m in (Visit, Assignment, CarePlanSlot, Shift, Publication)] == before
