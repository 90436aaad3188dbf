"""A big bundle file imported on its own uses two connections (interchange/parallel.py): the
staging session checks the bundle and works out a first load's rota totals while the import's
transaction writes. Whatever runs where, the rows, the totals, the returns and every error are those
of the one-connection import.

These tests commit (transaction=True): a second connection sees committed rows only."""

from __future__ import annotations

import copy
import io
import json
from datetime import timedelta

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction

from commissioning.models import Contract, Organisation
from homecare.lib.dates import parse_iso_week
from interchange import importer, indexes, parallel, totals
from interchange.importer import BundleInvalid, import_bundle
from reporting.returns.compute import compute_return_figures
from rota.models import Attendance, Shift, Visit
from tests.examples import EXAMPLE_BUNDLE, EXAMPLES
from tests.interchange.test_bundle_import import _mistakes
from tests.reporting.test_return_example import _arg, _cases, mismatches
from workforce.models import Team

pytestmark = pytest.mark.django_db(transaction=True)

TOTALS = {
    "rota_shifttotals": "shift_id, provider_id, start, attendances, contact, travel_minutes",
    "rota_visittotals": "visit_id, provider_id, planned_start, carers_done, longest",
}


@pytest.fixture
def two_connections(monkeypatch):
    """Every bundle file takes the two-connection path; what it did is recorded."""
    seen = {"sessions": 0, "supplied": 0, "recomputed": 0, "early kept": [], "indexes deferred": []}
    real_session, real_insert, real_recompute = parallel.StagingSession, totals.insert_shifts, totals.recompute
    real_finish, real_defer = parallel.EarlyWrite.finish, indexes.defer

    def defer(cursor):
        deferred = real_defer(cursor)
        seen["indexes deferred"].append(deferred.locked)
        return deferred

    def finish(self, cursor):
        kept = real_finish(self, cursor)
        seen["early kept"].append(kept)
        return kept

    class Session(real_session):
        @classmethod
        def open(cls):
            seen["sessions"] += 1
            return super().open()

    def insert(cursor):
        seen["supplied"] += 1
        real_insert(cursor)

    def recompute(cursor):
        seen["recomputed"] += 1
        real_recompute(cursor)

    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "StagingSession", Session)
    monkeypatch.setattr(totals, "insert_shifts", insert)
    monkeypatch.setattr(totals, "recompute", recompute)
    monkeypatch.setattr(parallel.EarlyWrite, "finish", finish)
    monkeypatch.setattr(indexes, "defer", defer)
    return seen


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


def test_a_first_load_matches_the_worked_example(two_connections):
    example = json.loads(EXAMPLE_BUNDLE.read_text())
    counts = import_bundle(EXAMPLE_BUNDLE)
    # The lists before the visits were written while the visits were read, and kept.
    assert two_connections == {
        "sessions": 1,
        "supplied": 1,
        "recomputed": 0,
        "early kept": [True],
        "indexes deferred": [True],
    }
    assert counts["visits"] == {"created": len(example["visits"]), "updated": 0, "unchanged": 0}
    assert counts["attendances"]["created"] == sum(len(v["attendances"]) for v in example["visits"])
    assert counts["shifts"]["created"] == len(example["shifts"]) == Shift.objects.count()
    # The totals written from the staged rows are those rota's triggers compute from the tables.
    written = _totals()
    assert len(written["rota_visittotals"]) == sum(1 for v in example["visits"] if v.get("attendances"))
    assert written == _recomputed()
    # And every figure of the ten return cases is the worked example's.
    for case in _cases():
        contract = Contract.objects.get(ref=_arg(case, "--contract"), provider__ref=_arg(case, "--provider"))
        actual = compute_return_figures(contract_id=contract.pk, week_start=parse_iso_week(_arg(case, "--week")))
        expected = json.loads((EXAMPLES / "expected" / case["expected"]).read_text())
        assert mismatches(expected, json.loads(json.dumps(actual))) == [], case["expected"]
    assert _staging_schemas() == []


def test_importing_again_changes_nothing(two_connections):
    import_bundle(EXAMPLE_BUNDLE)
    before = _totals()
    again = import_bundle(EXAMPLE_BUNDLE)
    assert all(c["created"] == 0 and c["updated"] == 0 for c in again.values()), again
    # Not a first load the second time: the triggers keep the totals, which nothing changed.
    # Nor are the indexes built again: the tables hold rows.
    assert two_connections == {
        "sessions": 2,
        "supplied": 1,
        "recomputed": 0,
        "early kept": [True, True],
        "indexes deferred": [True, False],
    }
    assert _totals() == before


def test_the_same_twenty_mistakes_are_listed_and_nothing_is_written(two_connections, tmp_path):
    bad = json.loads(EXAMPLE_BUNDLE.read_text())
    expected = _mistakes(bad)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, indent=1))
    with pytest.raises(BundleInvalid) as alone:
        import_bundle(io.BytesIO(path.read_bytes()))  # a file object: one connection
    assert two_connections["sessions"] == 0
    with pytest.raises(BundleInvalid) as together:
        import_bundle(path)
    assert two_connections["sessions"] == 1
    assert together.value.errors == alone.value.errors
    assert sorted(e["path"] for e in together.value.errors) == sorted(expected)
    assert not Organisation.objects.exists() and not Visit.objects.exists() and not Attendance.objects.exists()
    assert _totals() == {table: [] for table in TOTALS}
    assert _staging_schemas() == []


def test_a_mistake_only_the_cross_record_checks_find_rolls_back_the_writes(two_connections, tmp_path):
    """Each record is fine alone, so the writes run beside the checks; the checks' error wins."""
    bad = json.loads(EXAMPLE_BUNDLE.read_text())
    twin = copy.deepcopy(bad["visits"][10])  # the same carer at the same time on another visit
    twin["ref"] = "V-TWIN"
    bad["visits"].append(twin)
    path = tmp_path / "twin.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(BundleInvalid) as caught:
        import_bundle(path)
    assert [e["path"] for e in caught.value.errors] == [f"visits[{len(bad['visits']) - 1}].attendances[0].check_in"]
    assert "is still at visit" in caught.value.errors[0]["message"]
    assert not Shift.objects.exists() and not Visit.objects.exists() and not Attendance.objects.exists()
    assert _totals() == {table: [] for table in TOTALS}


def test_without_totals_from_the_staging_session_the_import_computes_them(two_connections, monkeypatch):
    """Another writer could store rota rows for the provider between the two connections' looks:
    the staging session then makes no totals, and the import's transaction computes them."""
    monkeypatch.setattr(totals, "compute_visits", lambda cursor, schema, **kwargs: False)
    import_bundle(EXAMPLE_BUNDLE)
    assert two_connections == {
        "sessions": 1,
        "supplied": 0,
        "recomputed": 1,
        "early kept": [True],
        "indexes deferred": [True],
    }
    written = _totals()
    assert written["rota_shifttotals"] and written == _recomputed()


def test_a_staging_schema_left_by_a_killed_import_is_dropped(two_connections):
    with connection.cursor() as c:
        c.execute("SELECT max(pid) + 100000 FROM pg_stat_activity")  # a backend that does not exist
        c.execute(f"CREATE SCHEMA {parallel.SCHEMA_PREFIX}{c.fetchone()[0]}")
    assert len(_staging_schemas()) == 1
    import_bundle(EXAMPLE_BUNDLE)
    assert _staging_schemas() == []


def test_a_list_given_again_after_the_visits_is_written_whole(two_connections, tmp_path):
    """The lists before the visits are written while the visits are read; a team given in a second
    "teams" list after them undoes those writes, and everything is written again, the team too."""
    example = json.loads(EXAMPLE_BUNDLE.read_text())
    team = {**example["teams"][0], "ref": "T-LATE", "name": "Late team"}
    text = json.dumps(example)
    path = tmp_path / "twice.json"
    path.write_text(text[:-1] + ', "teams": [' + json.dumps(team) + "]}")
    counts = import_bundle(path)
    assert two_connections["early kept"] == [False]
    assert counts["teams"]["created"] == len(example["teams"]) + 1
    assert counts["shifts"]["created"] == Shift.objects.count() == len(example["shifts"])
    assert Team.objects.filter(ref="T-LATE", name="Late team").exists()
    assert _totals() == _recomputed()


def test_a_file_cut_short_in_the_visits_writes_nothing(two_connections, tmp_path):
    """The lists before the visits are being written when the file turns out to be cut short: those
    writes go with the rest."""
    example = json.loads(EXAMPLE_BUNDLE.read_text())
    text = json.dumps(example)
    path = tmp_path / "cut.json"
    path.write_text(text[: text.index(example["visits"][4000]["ref"])])
    with pytest.raises(BundleInvalid) as caught:
        import_bundle(path)
    assert caught.value.errors[-1]["message"].startswith("not a valid JSON bundle")
    assert not Organisation.objects.exists() and not Team.objects.exists() and not Shift.objects.exists()
    assert _staging_schemas() == []


def test_a_role_that_may_not_create_a_schema_imports_on_one_connection(two_connections, monkeypatch):
    def refuse(self):
        raise psycopg.errors.InsufficientPrivilege("permission denied for database")

    monkeypatch.setattr(parallel.StagingSession, "_drop_stale", refuse)
    counts = import_bundle(EXAMPLE_BUNDLE)
    assert two_connections["sessions"] == 1 and two_connections["supplied"] == 0
    assert counts["shifts"]["created"] == Shift.objects.count() > 0
    assert _totals() == _recomputed()  # the triggers kept them, on the one connection


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


def test_a_first_load_builds_the_rota_indexes_again_and_they_still_refuse_bad_rows(two_connections):
    """Into empty rota tables the indexes are built once, after the rows: all of them come back as
    they were, and the database's own rules hold from then on."""
    before = _rota_catalogue()
    assert any("EXCLUDE USING gist" in d for d in before) and len(before) > 20
    import_bundle(EXAMPLE_BUNDLE)
    assert two_connections["indexes deferred"] == [True]
    assert _rota_catalogue() == before
    shift = Shift.objects.order_by("id").first()
    with pytest.raises(IntegrityError), transaction.atomic():  # the same worker, half an hour later
        Shift.objects.create(
            provider_id=shift.provider_id, worker_id=shift.worker_id, ref="S-OVERLAP",
            start=shift.start + timedelta(minutes=30), end=shift.end + timedelta(minutes=30),
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.create(**{**_fields(Visit.objects.first()), "id": None})  # the same ref again


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_an_import_does_not_wait_for_someone_reading_the_rota(two_connections, monkeypatch):
    """Where the rota tables cannot be locked at once (another session is reading them), the
    import keeps their indexes and writes row by row, with the same result."""
    monkeypatch.setattr(indexes, "LOCK_TIMEOUT", "200ms")
    before = _rota_catalogue()
    reader = psycopg.connect(**connection.get_connection_params())
    try:
        reader.execute("SELECT count(*) FROM rota_visit")  # its transaction stays open: a lock held
        counts = import_bundle(EXAMPLE_BUNDLE)
    finally:
        reader.close()
    assert two_connections["indexes deferred"] == [False]
    assert counts["shifts"]["created"] == Shift.objects.count() > 0
    assert _rota_catalogue() == before
    assert _totals() == _recomputed()
