"""A big bundle file imported on its own by the maintenance role (the command line) checks beside its
writes on a second connection (interchange/parallel.py), writes a first load's rota totals itself
and builds the rota's indexes after the rows (indexes.py). Whatever runs where, the rows, the
totals, the returns and every error are those of the one-connection import, and nothing is left
behind.

These tests commit (transaction=True): a second connection sees committed rows only."""

from __future__ import annotations

import copy
import io
import json
from datetime import timedelta

import psycopg
import pytest
from django.db import IntegrityError, connection, connections, transaction

from commissioning.models import Contract, Organisation
from homecare.lib.dates import parse_iso_week
from homecare.lib.db import MAINTENANCE
from interchange import importer, indexes, parallel
from interchange.exporter import export_bundle
from interchange.importer import BundleInvalid
from interchange.importer import import_bundle as import_as_app
from reporting.returns.compute import compute_return_figures
from rota.models import Attendance, Shift, Visit
from tests.examples import EXAMPLE_BUNDLE, EXAMPLES
from tests.interchange.test_bundle_import import _mistakes
from tests.reporting.test_return_example import _arg, _cases, mismatches
from workforce.models import Team

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", MAINTENANCE])

TOTALS = {
    "rota_shifttotals": "shift_id, provider_id, start, attendances, contact, travel_minutes",
    "rota_visittotals": "visit_id, provider_id, planned_start, carers_done, longest",
}
# The benchmark's stage names: the checks ran on the second connection, beside the writes.
BESIDE = "beside: cross-record checks"


def import_bundle(source, **kwargs) -> dict:
    """As the command line does: as the maintenance role."""
    return import_as_app(source, using=MAINTENANCE, **kwargs)


@pytest.fixture(autouse=True)
def every_file_is_big(monkeypatch):
    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 0)


@pytest.fixture(scope="module")
def example() -> dict:
    return json.loads(EXAMPLE_BUNDLE.read_text())


def _totals() -> dict[str, list[tuple]]:
    with connection.cursor() as c:
        out = {}
        for table, cols in TOTALS.items():
            c.execute(f"SELECT {cols} FROM {table} ORDER BY 1")
            out[table] = c.fetchall()
        return out


def _recomputed() -> dict[str, list[tuple]]:
    """The totals as rota's triggers' own SQL computes them from scratch (the reference)."""
    with connection.cursor() as c:
        c.execute("DELETE FROM rota_shifttotals")
        c.execute("DELETE FROM rota_visittotals")
        c.execute(
            "SELECT rota_shift_totals_sql('SELECT id FROM rota_shift'), "
            "rota_visit_totals_sql('SELECT visit_id FROM rota_attendance')"
        )
        for sql in c.fetchone():
            c.execute(sql)
    return _totals()


def _staging_schemas() -> list[str]:
    with connection.cursor() as c:
        c.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bundle_stage_%'")
        return [r[0] for r in c.fetchall()]


def _nothing_written() -> bool:
    return not (
        Organisation.objects.exists() or Team.objects.exists() or Shift.objects.exists() or Visit.objects.exists()
    ) and _totals() == {table: [] for table in TOTALS}


def _unchanged(counts: dict) -> bool:
    return all(c["created"] == 0 and c["updated"] == 0 for c in counts.values())


def test_a_first_load_gives_the_worked_examples_rows_totals_and_returns(example):
    timings: dict = {}
    counts = import_bundle(EXAMPLE_BUNDLE, timings=timings)
    assert BESIDE in timings
    assert counts["visits"] == {"created": len(example["visits"]), "updated": 0, "unchanged": 0}
    assert counts["attendances"]["created"] == sum(len(v["attendances"]) for v in example["visits"])
    assert counts["shifts"]["created"] == len(example["shifts"]) == Shift.objects.count()
    # The totals written from the staged rows are those rota's triggers compute from the tables.
    written = _totals()
    assert len(written["rota_visittotals"]) == sum(1 for v in example["visits"] if v.get("attendances"))
    assert len(written["rota_shifttotals"]) > 0
    assert written == _recomputed()
    # Every figure of the ten return cases is the worked example's.
    for case in _cases():
        contract = Contract.objects.get(ref=_arg(case, "--contract"), provider__ref=_arg(case, "--provider"))
        actual = compute_return_figures(contract_id=contract.pk, week_start=parse_iso_week(_arg(case, "--week")))
        expected = json.loads((EXAMPLES / "expected" / case["expected"]).read_text())
        assert mismatches(expected, json.loads(json.dumps(actual))) == [], case["expected"]
    # Each provider's export, read again on one connection, finds every row as stored: nothing differs.
    for provider in Organisation.objects.filter(kind="provider"):
        exported = "".join(export_bundle(provider_id=provider.pk)).encode()
        assert _unchanged(import_as_app(io.BytesIO(exported)))
    assert _staging_schemas() == []


def test_importing_again_changes_nothing(example):
    import_bundle(EXAMPLE_BUNDLE)
    before = _totals()
    again = import_bundle(EXAMPLE_BUNDLE)
    assert _unchanged(again), again
    assert again["visits"]["unchanged"] == len(example["visits"])
    assert _totals() == before


def test_a_first_load_beside_another_providers_rota_gets_the_same_totals(example, tmp_path):
    """P2's rota is stored already (the rota tables are not empty, so their indexes stay): P1's
    first load still writes its own totals, and P2's are untouched."""

    def only(provider: str) -> dict:
        b = copy.deepcopy(example)
        b["visits"] = [v for v in b["visits"] if f"-{provider}-" in v["ref"]]
        workers = {w["ref"] for w in b["workers"] if w["provider"] == provider}
        b["shifts"] = [s for s in b["shifts"] if s["worker"] in workers]
        return b

    first, second = tmp_path / "p2.json", tmp_path / "p1.json"
    first.write_text(json.dumps(only("P2")))
    second.write_text(json.dumps(only("P1")))
    import_bundle(first)
    p2_visits = Visit.objects.count()
    assert 0 < p2_visits < len(example["visits"])
    counts = import_bundle(second)
    assert counts["visits"]["created"] == len(example["visits"]) - p2_visits
    assert _totals() == _recomputed()


def test_the_same_twenty_mistakes_are_listed_and_nothing_is_written(example, tmp_path):
    bad = copy.deepcopy(example)
    expected = _mistakes(bad)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, indent=1))
    with pytest.raises(BundleInvalid) as alone:
        import_as_app(io.BytesIO(path.read_bytes()))  # a file object, the application: one connection
    with pytest.raises(BundleInvalid) as together:
        import_bundle(path)
    assert together.value.errors == alone.value.errors
    assert sorted(e["path"] for e in together.value.errors) == sorted(expected)
    assert _nothing_written()
    assert _staging_schemas() == []


def test_a_mistake_only_the_cross_record_checks_find_rolls_back_the_writes(example, tmp_path):
    """Each record is fine alone, so the writes run beside the checks; the checks' error wins."""
    bad = copy.deepcopy(example)
    twin = copy.deepcopy(bad["visits"][10])  # the same carer at the same time on another visit
    twin["ref"] = "V-TWIN"
    bad["visits"].append(twin)
    path = tmp_path / "twin.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(BundleInvalid) as caught:
        import_bundle(path)
    assert [e["path"] for e in caught.value.errors] == [f"visits[{len(bad['visits']) - 1}].attendances[0].check_in"]
    assert "is still at visit" in caught.value.errors[0]["message"]
    assert _nothing_written()
    assert _staging_schemas() == []


def test_a_file_cut_short_in_the_visits_writes_nothing(example, tmp_path):
    text = json.dumps(example)
    path = tmp_path / "cut.json"
    path.write_text(text[: text.index(example["visits"][4000]["ref"])])
    with pytest.raises(BundleInvalid) as caught:
        import_bundle(path)
    assert caught.value.errors[-1]["message"].startswith("not a valid JSON bundle")
    assert _nothing_written()
    assert _staging_schemas() == []


def test_a_list_given_again_after_the_visits_is_written_whole(example, tmp_path):
    team = {**example["teams"][0], "ref": "T-LATE", "name": "Late team"}
    text = json.dumps(example)
    path = tmp_path / "twice.json"
    path.write_text(text[:-1] + ', "teams": [' + json.dumps(team) + "]}")
    counts = import_bundle(path)
    assert counts["teams"]["created"] == len(example["teams"]) + 1
    assert counts["shifts"]["created"] == Shift.objects.count() == len(example["shifts"])
    assert Team.objects.filter(ref="T-LATE", name="Late team").exists()
    assert _totals() == _recomputed()


def test_a_staging_schema_left_by_a_killed_import_is_dropped():
    with connections[MAINTENANCE].cursor() as c:
        c.execute("SELECT max(pid) + 100000 FROM pg_stat_activity")  # a backend that does not exist
        c.execute(f"CREATE SCHEMA {parallel.SCHEMA_PREFIX}{c.fetchone()[0]}")
    assert len(_staging_schemas()) == 1
    import_bundle(EXAMPLE_BUNDLE)
    assert _staging_schemas() == []


def test_the_applications_role_imports_a_big_file_on_one_connection():
    """The application's role may not create a schema, alter a table or skip triggers: the same big
    file is imported on its one connection, with rota's triggers keeping the totals."""
    timings: dict = {}
    counts = import_as_app(EXAMPLE_BUNDLE, timings=timings)
    assert BESIDE not in timings
    assert counts["shifts"]["created"] == Shift.objects.count() > 0
    written = _totals()
    assert written["rota_shifttotals"] and written == _recomputed()
    assert _staging_schemas() == []


def _rota_catalogue() -> list[str]:
    """Every index and constraint of rota's tables, as the database would recreate it."""
    with connection.cursor() as c:
        c.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s) UNION ALL "
            "SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) ORDER BY 1",
            [list(indexes.TABLES), list(indexes.TABLES)],
        )
        return [r[0] for r in c.fetchall()]


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_after_a_first_load_every_rota_index_is_back_and_refuses_bad_rows():
    before = _rota_catalogue()
    assert any("EXCLUDE USING gist" in d for d in before) and len(before) > 20
    import_bundle(EXAMPLE_BUNDLE)
    assert _rota_catalogue() == before
    shift = Shift.objects.order_by("id").first()
    with pytest.raises(IntegrityError), transaction.atomic():  # the same worker, half an hour later
        Shift.objects.create(
            provider_id=shift.provider_id, worker_id=shift.worker_id, ref="S-OVERLAP",
            start=shift.start + timedelta(minutes=30), end=shift.end + timedelta(minutes=30),
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.create(**{**_fields(Visit.objects.first()), "id": None})  # the same ref again
    assert Attendance.objects.count() > 0


def test_an_import_does_not_wait_for_someone_reading_the_rota(monkeypatch):
    """Where the rota tables cannot be locked at once (another session is reading them), the
    import writes with their indexes in place, with the same result."""
    monkeypatch.setattr(indexes, "LOCK_TIMEOUT", "200ms")
    before = _rota_catalogue()
    reader = psycopg.connect(**connection.get_connection_params())
    try:
        reader.execute("SELECT count(*) FROM rota_visit")  # its transaction stays open: a lock held
        counts = import_bundle(EXAMPLE_BUNDLE)
    finally:
        reader.close()
    assert counts["shifts"]["created"] == Shift.objects.count() > 0
    assert _rota_catalogue() == before
    assert _totals() == _recomputed()
