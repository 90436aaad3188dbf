"""Bundle import: the shared example imports, a second import changes nothing, a bundle with 20
mistakes is rejected with all 20 listed and nothing written."""

from __future__ import annotations

import copy
import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commissioning.models import LotRate, Organisation
from interchange.importer import BundleInvalid, import_bundle
from outcomes.models import Package
from rota.models import Attendance, Shift, Visit
from tests.examples import EXAMPLE_BUNDLE

EXAMPLE = EXAMPLE_BUNDLE


@pytest.fixture(scope="module")
def example() -> dict:
    return json.loads(EXAMPLE.read_text())


def _bytes(bundle: dict) -> io.BytesIO:
    return io.BytesIO(json.dumps(bundle).encode())


def _event_count(cursor) -> int:
    tables = [
        "commissioning_contractevent",
        "commissioning_lotevent",
        "commissioning_lotrateevent",
        "outcomes_packageevent",
        "outcomes_packagechangeevent",
        "outcomes_reviewevent",
        "rota_attendanceevent",
    ]
    cursor.execute(" + ".join(f"(SELECT count(*) FROM {t})" for t in tables).join(["SELECT ", ""]))
    return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_example_imports_and_a_second_import_changes_nothing(example, django_db_blocker):
    from django.db import connection

    counts = import_bundle(EXAMPLE)
    assert counts["visits"] == {"created": 6652, "updated": 0, "unchanged": 0}
    assert counts["attendances"]["created"] == sum(len(v["attendances"]) for v in example["visits"])
    assert counts["shifts"]["created"] == 5018
    # Wall times are read in Europe/London: 09:35 BST is 08:35 UTC.
    visit = Visit.objects.get(ref="V-P1-Q00-2025-08-04-0")
    assert visit.planned_start == datetime(2025, 8, 4, 8, 35, tzinfo=UTC)
    assert visit.provider.ref == "P1" and visit.package.ref == "PK-P1-Q00"
    # Lot 1 of C-P1: 26.22 from the contract start, 27.00 from the rate change.
    rates = LotRate.objects.filter(lot__contract__ref="C-P1", lot__number=1).order_by("effective_from")
    assert [(str(r.effective_from), str(r.hourly_rate)) for r in rates] == [
        ("2025-07-07", "26.22"),
        ("2025-09-15", "27.00"),
    ]

    with connection.cursor() as cursor:
        events_before = _event_count(cursor)
    again = import_bundle(EXAMPLE)
    assert all(c["created"] == 0 and c["updated"] == 0 for c in again.values()), again
    assert again["visits"]["unchanged"] == 6652
    with connection.cursor() as cursor:
        assert _event_count(cursor) == events_before  # no audit noise on re-import

    # A changed record is updated, and only that one.
    changed = copy.deepcopy(example)
    changed["packages"][0]["planned_weekly_hours"] = "6.00"
    third = import_bundle(_bytes(changed))
    assert third["packages"] == {"created": 0, "updated": 1, "unchanged": 53}
    assert Package.objects.get(ref=changed["packages"][0]["ref"]).planned_weekly_hours == 6


def _mistakes(b: dict) -> list[str]:
    """Put 20 independent mistakes into the example; return the paths the importer must name."""
    v = b["visits"]
    v[0]["attendances"][0]["check_out"] = "2025-08-04T09:00"  # before its check-in 09:29
    v[1]["person"] = "NOBODY"
    v[2]["status"] = "lost"
    v[3]["planned_end"] = v[3]["planned_start"]
    v[5]["ref"] = v[4]["ref"]
    v[20]["attendances"][0]["worker"] = "W-GHOST"
    twin = copy.deepcopy(v[10])  # the same carer at the same time on another visit
    twin["ref"] = "V-TWIN"
    v.append(twin)
    s = b["shifts"]
    extra = dict(s[0], ref="S-EXTRA")  # the same worker on two shifts at once
    s.append(extra)
    b["packages"][0]["end"] = "2025-01-01"  # before start
    b["outcome_assessments"][0]["home"] = 6
    b["contracts"][0]["lots"][0]["guaranteed_share"] = "1.5"
    b["people"][0]["contract"] = "C-NONE"
    b["hospital_stays"][0]["discharged"] = "2025-09-01T00:00"  # admitted 2025-09-09
    b["referrals"][0]["decided"] = "2025-08-01T00:00"  # received 2025-08-22
    b["workers"][0]["pay_rate"] = "abc"
    del b["reviews"][0]["kind"]
    b["package_changes"][1]["decided"] = None  # while "approved"
    b["staff_surveys"][0]["mean_score"] = "6"
    b["people_surveys"][0]["felt_understood"] = 99  # of 20 responses
    b["events"][0]["date"] = "2025-02-30"
    return [
        "visits[0].attendances[0].check_out",
        "visits[1].person",
        "visits[2].status",
        "visits[3].planned_end",
        "visits[5].ref",
        "visits[20].attendances[0].worker",
        f"visits[{len(v) - 1}].attendances[0].check_in",
        f"shifts[{len(s) - 1}].start",
        "packages[0].end",
        "outcome_assessments[0].home",
        "contracts[0].lots[0].guaranteed_share",
        "people[0].contract",
        "hospital_stays[0].discharged",
        "referrals[0].decided",
        "workers[0].pay_rate",
        "reviews[0].kind",
        "package_changes[1].decided",
        "staff_surveys[0].mean_score",
        "people_surveys[0].felt_understood",
        "events[0].date",
    ]


@pytest.mark.django_db
def test_a_bundle_with_20_mistakes_lists_all_20_and_writes_nothing(example):
    bad = copy.deepcopy(example)
    assert bad["package_changes"][1]["decision"] != "pending"
    expected = _mistakes(bad)
    with pytest.raises(BundleInvalid) as caught:
        import_bundle(_bytes(bad))
    paths = sorted(e["path"] for e in caught.value.errors)
    assert paths == sorted(expected), caught.value.errors
    assert not Organisation.objects.exists()
    assert not Visit.objects.exists() and not Shift.objects.exists() and not Attendance.objects.exists()


def _tiny() -> dict:
    return {
        "format": "homecare-bundle/1",
        "timezone": "Europe/London",
        "commissioners": [{"ref": "LCC", "name": "Council"}],
        "providers": [{"ref": "P1", "name": "One"}],
        "neighbourhoods": [{"ref": "N", "name": "N", "wards": []}],
        "contracts": [
            {
                "ref": "C",
                "provider": "P1",
                "neighbourhood": "N",
                "model": "spot",
                "start": "2025-01-01",
                "settlement": "monthly",
                "lots": [{"lot": 1, "name": "L", "commissioner": "LCC", "hourly_rate": "20"}],
            }
        ],
        "workers": [
            {"ref": "W", "provider": "P1", "started": "2024-01-01", "contract_type": "salaried", "pay_rate": "12"}
        ],
        "people": [{"ref": "Q", "provider": "P1", "contract": "C", "lot": 1}],
        "visits": [
            {
                "ref": "V",
                "person": "Q",
                "planned_start": "2025-10-26T01:30+01:00",
                "planned_end": "2025-10-26T01:45",
                "attendances": [{"worker": "W", "check_in": "2025-10-26T01:10Z", "check_out": "2025-10-26T01:40"}],
            }
        ],
    }


@pytest.mark.django_db
def test_an_offset_is_honoured_and_omitted_optional_fields_take_defaults():
    counts = import_bundle(_bytes(_tiny()))
    assert counts["visits"]["created"] == 1
    visit = Visit.objects.get(ref="V")
    assert visit.planned_start == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)  # the first 01:30 (BST)
    assert visit.status == "scheduled" and visit.carers_required == 1
    a = visit.attendances.get()
    assert a.check_in == datetime(2025, 10, 26, 1, 10, tzinfo=UTC)
    assert a.method == "app"


@pytest.mark.django_db(databases=["default", "maintenance"])  # the command runs as the maintenance role
def test_the_command_prints_every_error_and_exits_non_zero(tmp_path):
    bundle = _tiny()
    bundle["visits"][0]["planned_end"] = "2025-10-26T00:00"
    bundle["people"][0]["lot"] = 2  # the contract has only lot 1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bundle))
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 error"):
        call_command("import_bundle", str(path), stderr=err)
    lines = sorted(err.getvalue().strip().splitlines())
    assert lines == ["people[0].lot: contract C has no lot 2", "visits[0].planned_end: not after planned_start"]
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_not_json_is_rejected_with_one_error():
    with pytest.raises(BundleInvalid) as caught:
        import_bundle(io.BytesIO(b'{"format": "homecare-bundle/1", "visits": [{"ref": '))
    assert [e["path"] for e in caught.value.errors] == [""]
    assert caught.value.errors[0]["message"].startswith("not a valid JSON bundle")
    with pytest.raises(BundleInvalid):
        import_bundle(io.BytesIO(b"[1, 2]"))


@pytest.mark.django_db
def test_lists_may_come_in_any_order():
    tiny = _tiny()
    reordered = {"visits": tiny.pop("visits"), "people": tiny.pop("people"), **tiny}
    reordered["timezone"] = reordered.pop("timezone")  # the timezone last, after the datetimes
    counts = import_bundle(_bytes(reordered))
    assert counts["visits"]["created"] == 1 and counts["attendances"]["created"] == 1
    assert Visit.objects.get().provider.ref == "P1"


@pytest.mark.django_db
def test_a_shift_overlapping_a_stored_one_is_an_error_not_a_crash():
    tiny = _tiny()
    tiny["shifts"] = [{"ref": "S1", "worker": "W", "start": "2025-10-27T07:00", "end": "2025-10-27T14:00"}]
    import_bundle(_bytes(tiny))
    tiny["shifts"] = [{"ref": "S2", "worker": "W", "start": "2025-10-27T13:00", "end": "2025-10-27T18:00"}]
    with pytest.raises(BundleInvalid) as caught:
        import_bundle(_bytes(tiny))
    assert "shift_no_overlap_per_worker" in caught.value.errors[0]["message"]
    assert list(Shift.objects.values_list("ref", flat=True)) == ["S1"]


@pytest.mark.django_db(transaction=True, databases=["default", "maintenance"])
def test_a_first_load_audits_its_inserts_and_leaves_foreign_keys_enforced(example):
    """A first load by the maintenance role (the command line) takes the fast path (plain INSERT;
    the big lists without per-row key triggers): packages and reviews still get one insert event
    each, every key points at a real row, and the key triggers are on again afterwards."""
    from django.db import IntegrityError, connection, transaction

    import_bundle(EXAMPLE, using="maintenance")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM outcomes_packageevent WHERE pgh_label = 'insert'")
        assert cursor.fetchone()[0] == len(example["packages"])
        cursor.execute("SELECT count(*) FROM outcomes_reviewevent WHERE pgh_label = 'insert'")
        assert cursor.fetchone()[0] == len(example["reviews"])
        # Each event is the row as inserted, under the import's context, like the trigger writes it.
        first = example["reviews"][0]
        cursor.execute(
            "SELECT e.ref, e.kind, e.due::text, e.pgh_obj_id = r.id, c.metadata->>'command' "
            "FROM outcomes_reviewevent e JOIN outcomes_review r ON r.id = e.pgh_obj_id "
            "JOIN pghistory_context c ON c.id = e.pgh_context_id WHERE e.ref = %s",
            [first["ref"]],
        )
        assert cursor.fetchall() == [(first["ref"], first["kind"], first["due"], True, "import_bundle")]
        cursor.execute(
            "SELECT count(*) FROM rota_attendance a LEFT JOIN rota_visit v ON v.id = a.visit_id "
            "LEFT JOIN workforce_worker w ON w.id = a.worker_id WHERE v.id IS NULL OR w.id IS NULL"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
        # A visit pointing at a person that does not exist is still refused by the database.
        visit = Visit.objects.first()
        with pytest.raises(IntegrityError), transaction.atomic():
            cursor.execute("UPDATE rota_visit SET person_id = -1 WHERE id = %s", [visit.pk])
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.django_db
def test_the_applications_role_loads_the_same_with_every_trigger(example):
    """The application's role (the web server, the worker) may not set session_replication_role:
    its first load runs every trigger, with the same rows and the same audit events."""
    from django.db import connection

    counts = import_bundle(EXAMPLE)
    assert counts["visits"] == {"created": 6652, "updated": 0, "unchanged": 0}
    assert counts["shifts"]["created"] == 5018
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM outcomes_reviewevent WHERE pgh_label = 'insert'")
        assert cursor.fetchone()[0] == len(example["reviews"])
