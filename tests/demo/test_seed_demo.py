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
    assert (lot["hourly_rate"], lot["guaranteed_share"], lot["commissioner"]) == ("26.22", "0.80", "LCC")
    assert bundle["contracts"][0]["lots"][1]["commissioner"] == "LCH"
    homes = [p["home"] for p in bundle["people"]]
    assert all(53.79 <= h["lat"] <= 53.812 and -1.66 <= h["lon"] <= -1.60 for h in homes)


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
def test_seeding_loads_every_record_of_the_bundle(tmp_path, pilot, bundle):
    from outcomes.models import Package, Person
    from rota.models import Attendance, Shift, Visit
    from workforce.models import Worker

    out = tmp_path / "seeded.json"
    call_command("seed_demo", scale="pilot", weeks=WEEKS, seed=1, out=str(out))
    assert _sha(out) == _sha(pilot)
    assert Visit.objects.count() == len(bundle["visits"])
    assert Attendance.objects.count() == sum(len(v["attendances"]) for v in bundle["visits"])
    assert Shift.objects.count() == len(bundle["shifts"])
    assert Worker.objects.count() == len(bundle["workers"])
    assert Person.objects.count() == len(bundle["people"])
    assert Package.objects.count() == len(bundle["packages"])
    # Seeding again changes nothing: records are matched by ref.
    call_command("seed_demo", scale="pilot", weeks=WEEKS, seed=1)
    assert Visit.objects.count() == len(bundle["visits"])
