"""The bundle's rota additions: `care_plan_slots` (a package's care plan) and a visit's optional
`planned_workers`. They import, are checked with every problem listed, and round-trip."""

from __future__ import annotations

import json
from datetime import date, time

import pytest

from commissioning.models import Organisation
from interchange.exporter import export_bundle
from interchange.importer import BundleInvalid, import_bundle
from rota.models import Assignment, CarePlanSlot, Visit
from tests.interchange.test_bundle_import import _bytes

pytestmark = pytest.mark.django_db


def _bundle() -> dict:
    """One provider, a team, two care workers, a person with a package, two slots and two visits."""
    return {
        "format": "homecare-bundle/1",
        "timezone": "Europe/London",
        "commissioners": [{"ref": "LCC", "name": "Council"}],
        "providers": [{"ref": "P1", "name": "One"}, {"ref": "P2", "name": "Two"}],
        "neighbourhoods": [{"ref": "N", "name": "N", "wards": []}],
        "contracts": [
            {
                "ref": "C",
                "provider": "P1",
                "neighbourhood": "N",
                "model": "spot",
                "start": "2026-01-05",
                "settlement": "monthly",
                "lots": [{"lot": 1, "name": "L", "commissioner": "LCC", "hourly_rate": "20"}],
            },
        ],  # fmt: skip
        "teams": [{"ref": "T1", "provider": "P1", "neighbourhood": "N", "name": "Armley"}],
        "workers": [
            {
                "ref": "W-SAM",
                "provider": "P1",
                "team": "T1",
                "started": "2025-01-06",
                "contract_type": "salaried",
                "pay_rate": "13.95",
            },
            {
                "ref": "W-KIM",
                "provider": "P1",
                "team": "T1",
                "started": "2025-01-06",
                "contract_type": "salaried",
                "pay_rate": "13.95",
            },
        ],  # fmt: skip
        "people": [{"ref": "Q", "provider": "P1", "contract": "C", "lot": 1}],
        "packages": [{"ref": "PK", "person": "Q", "lot": 1, "start": "2026-01-05", "planned_weekly_hours": "7.5"}],
        "care_plan_slots": [
            {
                "ref": "PK-AM",
                "package": "PK",
                "days": [1, 2, 3, 4, 5],
                "start": "08:00",
                "earliest": "07:45",
                "latest": "08:15",
                "minutes": 45,
                "carers_required": 2,
                "skills": ["moving_and_handling"],
                "outside_home": False,
                "tasks": "Wash, dress, breakfast",
                "valid_from": "2026-01-05",
                "valid_until": "2026-12-31",
                "team": "T1",
            },
            # No window, team or tasks: 30 minutes either side, kept inside the day.
            {
                "ref": "PK-NIGHT",
                "package": "PK",
                "days": [7],
                "start": "00:10",
                "minutes": 30,
                "valid_from": "2026-01-05",
            },
        ],  # fmt: skip
        "visits": [
            {
                "ref": "V1",
                "person": "Q",
                "package": "PK",
                "planned_start": "2026-12-07T08:00",
                "planned_end": "2026-12-07T08:45",
                "carers_required": 2,
                "planned_workers": ["W-SAM", "W-KIM"],
            },
            {
                "ref": "V2",
                "person": "Q",
                "package": "PK",
                "planned_start": "2026-12-08T08:00",
                "planned_end": "2026-12-08T08:45",
                "carers_required": 2,
            },
        ],  # fmt: skip
    }


def _export() -> dict:
    return json.loads("".join(export_bundle(provider_id=Organisation.objects.get(ref="P1").pk)))


def test_care_plans_and_planned_workers_import_and_round_trip():
    counts = import_bundle(_bytes(_bundle()))
    assert counts["care_plan_slots"]["created"] == 2 and counts["planned_workers"]["created"] == 2
    am = CarePlanSlot.objects.get(ref="PK-AM")
    assert (am.days, am.start, am.earliest, am.latest, am.minutes, am.carers_required) == (
        [1, 2, 3, 4, 5], time(8), time(7, 45), time(8, 15), 45, 2
    )  # fmt: skip
    assert (am.skills, am.tasks, am.valid_until, am.team.ref, am.package.ref) == (
        ["moving_and_handling"], "Wash, dress, breakfast", date(2026, 12, 31), "T1", "PK"
    )  # fmt: skip
    night = CarePlanSlot.objects.get(ref="PK-NIGHT")
    assert (night.earliest, night.latest, night.team, night.tasks, night.carers_required) == (
        time(0), time(0, 40), None, "", 1
    )  # fmt: skip
    assert sorted(Assignment.objects.filter(visit__ref="V1").values_list("worker__ref", flat=True)) == [
        "W-KIM",
        "W-SAM",
    ]
    first = _export()
    slot = next(s for s in first["care_plan_slots"] if s["ref"] == "PK-AM")
    assert slot == {k: v for k, v in _bundle()["care_plan_slots"][0].items()}
    visits = {v["ref"]: v for v in first["visits"]}
    assert (visits["V1"]["planned_workers"], visits["V2"]["planned_workers"]) == (["W-KIM", "W-SAM"], [])
    # The export imports again changing nothing, and exports the same.
    again = import_bundle(_bytes(first))
    assert again["care_plan_slots"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert again["planned_workers"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert _export() == first


def test_a_list_replaces_the_planned_workers_and_a_missing_one_keeps_them():
    import_bundle(_bytes(_bundle()))
    bundle = _bundle()
    bundle["visits"][0]["planned_workers"] = ["W-KIM"]
    import_bundle(_bytes(bundle))
    assert list(Assignment.objects.filter(visit__ref="V1").values_list("worker__ref", flat=True)) == ["W-KIM"]
    del bundle["visits"][0]["planned_workers"]
    import_bundle(_bytes(bundle))
    assert Assignment.objects.filter(visit__ref="V1").count() == 1
    bundle["visits"][0]["planned_workers"] = []
    import_bundle(_bytes(bundle))
    assert not Assignment.objects.filter(visit__ref="V1").exists()


def test_every_problem_is_listed_and_nothing_is_written():
    bundle = _bundle()
    other_team = {"ref": "T2", "provider": "P2", "neighbourhood": "N", "name": "Elsewhere"}
    other_worker = {"ref": "W-P2", "provider": "P2", "started": "2025-01-06", "contract_type": "salaried",
                    "pay_rate": "13"}  # fmt: skip
    bundle["teams"].append(other_team)
    bundle["workers"].append(other_worker)
    am, night = bundle["care_plan_slots"]
    am.update(earliest="08:30", team="T2")
    night.update(package="NOPE", valid_until="2025-12-31")
    bundle["care_plan_slots"].append(
        {"ref": "PK-BAD", "package": "PK", "days": [0, 8], "start": "25:00", "minutes": 30, "valid_from": "2026-01-05"}
    )
    bundle["visits"][0]["planned_workers"] = ["W-SAM", "W-SAM", "W-P2", "W-NOBODY"]
    with pytest.raises(BundleInvalid) as exc:
        import_bundle(_bytes(bundle))
    got = sorted((e["path"], e["message"]) for e in exc.value.errors)
    assert ("care_plan_slots[0].start", "earliest is after start") in got
    assert ("care_plan_slots[0].team", "T2 belongs to provider P2, not P1") in got
    assert ("care_plan_slots[1].package", "unknown package NOPE") in got
    assert ("care_plan_slots[1].valid_until", "before valid_from") in got
    assert {p for p, _ in got if p.startswith("care_plan_slots[2]")} == {
        "care_plan_slots[2].days[0]",
        "care_plan_slots[2].days[1]",
        "care_plan_slots[2].start",
    }
    planned = [m for p, m in got if p == "visits[0].planned_workers"]
    assert sorted(planned) == sorted(
        [
            "unknown worker W-NOBODY",
            "W-P2 belongs to provider P2, not P1",
            "W-SAM named twice",
            "4 care workers planned for a visit that needs 2",
        ]
    )
    assert not Visit.objects.exists() and not CarePlanSlot.objects.exists()


@pytest.mark.django_db(transaction=True, databases=["default", "maintenance"])
def test_a_first_load_by_the_command_line_plans_the_named_care_workers_once():
    """As the maintenance role (the command line's fast path for a first load): the planned care
    workers are written, and a later import that names them again changes nothing."""
    bundle = _bundle()
    bundle["visits"][1]["planned_workers"] = ["W-SAM"]
    counts = import_bundle(_bytes(bundle), using="maintenance")
    # V1 names two care workers, V2 one: 3 planned.
    assert counts["planned_workers"] == {"created": 3, "updated": 0, "unchanged": 0}
    planned = sorted(Assignment.objects.values_list("visit__ref", "worker__ref"))
    assert planned == [("V1", "W-KIM"), ("V1", "W-SAM"), ("V2", "W-SAM")]
    again = import_bundle(_bytes(bundle), using="maintenance")
    assert again["planned_workers"] == {"created": 0, "updated": 0, "unchanged": 3}
    assert Assignment.objects.count() == 3
