"""A big bundle file is read by two processes (interchange/spool.py): the helper takes
blocks of the visits list. Whatever the split, the rows, the counts and every error (with its
path, in file order) are the same as when one process reads it all."""

from __future__ import annotations

import copy
import io
import json

import pytest

from commissioning.models import Organisation
from interchange import importer, spool
from interchange.importer import BundleInvalid, import_bundle
from rota.models import Attendance, Visit
from tests.examples import EXAMPLE_BUNDLE
from tests.interchange.test_bundle_import import _mistakes


@pytest.fixture(scope="module")
def example() -> dict:
    return json.loads(EXAMPLE_BUNDLE.read_text())


class _Started(list):
    heads: list[int]


@pytest.fixture
def helper(monkeypatch):
    """Every file goes through the helper, which reads the first half of the file from the visits on."""
    started = _Started()
    real = spool.Helper

    class Counting(real):
        def __init__(self, *args, **kwargs):
            started.append(args[0])
            super().__init__(*args, **kwargs)

        def finish(self):
            result = super().finish()
            heads.append(result["count"])
            return result

    heads = []

    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(importer, "HELPER_SHARE", 0.5)
    monkeypatch.setattr(spool, "Helper", Counting)
    started.heads = heads
    return started


def _errors(source) -> list[dict]:
    with pytest.raises(BundleInvalid) as caught:
        import_bundle(source)
    return caught.value.errors


@pytest.mark.django_db
def test_the_example_read_by_two_processes_gives_the_same_rows(example, helper, tmp_path):
    counts = import_bundle(EXAMPLE_BUNDLE)
    assert helper == [str(EXAMPLE_BUNDLE)]
    # The helper read the head, over a third of the visits; the importer the rest.
    assert len(example["visits"]) / 3 < helper.heads[0] < len(example["visits"])
    assert counts["visits"] == {"created": 6652, "updated": 0, "unchanged": 0}
    assert counts["attendances"]["created"] == sum(len(v["attendances"]) for v in example["visits"])
    assert Visit.objects.filter(provider__ref="P1").count() == sum(1 for v in example["visits"] if "-P1-" in v["ref"])
    # Read again by one process, nothing differs: not one row is updated.
    again = import_bundle(io.BytesIO(EXAMPLE_BUNDLE.read_bytes()))
    assert all(c["created"] == 0 and c["updated"] == 0 for c in again.values()), again


@pytest.mark.django_db
def test_twenty_mistakes_give_the_same_errors_in_the_same_order(example, helper, tmp_path):
    bad = copy.deepcopy(example)
    expected = _mistakes(bad)
    bad["visits"][7]["planned_start"] = "2025-02-30T10:00"  # and one the schema check finds, in the helper's share
    expected.append("visits[7]")  # the schema sees the shape only: the record is named
    bad["visits"][-3]["status"] = "lost"  # and one in the importer's share (numbered after the head)
    expected.append(f"visits[{len(bad['visits']) - 3}].status")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, indent=1))
    alone = _errors(io.BytesIO(path.read_bytes()))
    assert helper == []
    together = _errors(path)
    assert helper == [str(path)]
    assert together == alone
    assert sorted(e["path"] for e in together) == sorted(expected)
    assert not Organisation.objects.exists() and not Visit.objects.exists() and not Attendance.objects.exists()


@pytest.mark.django_db
def test_a_file_cut_short_in_the_visits_lists_the_same_errors(example, helper, tmp_path):
    bad = copy.deepcopy(example)
    bad["visits"][4]["status"] = "lost"  # the helper's
    bad["visits"][1]["status"] = "gone"  # ours
    text = json.dumps(bad)
    path = tmp_path / "cut.json"
    path.write_text(text[: text.index(bad["visits"][40]["ref"])])
    together = _errors(path)
    assert together == _errors(io.BytesIO(path.read_bytes()))
    assert [e["path"] for e in together] == ["visits[1].status", "visits[4].status", ""]
    assert together[-1]["message"].startswith("not a valid JSON bundle")


def _read_twice(monkeypatch, path) -> tuple[list[dict], list[bool]]:
    """The errors of `path`, and with or without the helper each reading of it was."""
    readings = []
    real_import = importer._import

    def reading(*args, split):
        readings.append(split)
        return real_import(*args, split=split)

    monkeypatch.setattr(importer, "_import", reading)
    return _errors(path), readings


@pytest.mark.django_db
def test_a_head_ending_inside_a_record_means_one_process_reads_it_all(example, helper, monkeypatch, tmp_path):
    """The first visit opens with "worker" (a mistake), as attendances do: the head's end is found
    between two attendances of a two-carer visit, inside it. The helper says so and the file is read
    again by one process: the same errors, nothing lost."""
    bad = copy.deepcopy(example)
    bad["visits"][0] = {"worker": "W", **bad["visits"][0]}
    bad["visits"][-2]["status"] = "lost"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    alone = _errors(io.BytesIO(path.read_bytes()))
    together, readings = _read_twice(monkeypatch, path)
    assert readings == [True, False]  # with the helper, then again without
    assert together == alone
    assert [e["path"] for e in alone] == ["visits[0]", f"visits[{len(bad['visits']) - 2}].status"]
    assert helper == [str(path)]  # started once, for the first reading only


@pytest.mark.django_db
def test_a_visits_key_inside_a_record_means_one_process_reads_it_all(example, helper, monkeypatch, tmp_path):
    """The helper finds the visits list by searching: a person with a "visits" field (a mistake)
    comes first. Its range is not the one the importer meets, so the file is read again."""
    bad = copy.deepcopy(example)
    bad["people"][0]["visits"] = []
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    alone = _errors(io.BytesIO(path.read_bytes()))
    together, readings = _read_twice(monkeypatch, path)
    assert readings == [True, False]
    assert together == alone == [{"path": "people[0]", "message": "unknown field ('visits' was unexpected)"}]


@pytest.mark.django_db
def test_a_good_bundle_is_split_once(example, helper, monkeypatch):
    counts, readings = None, []
    real_import = importer._import

    def reading(*args, split):
        readings.append(split)
        return real_import(*args, split=split)

    monkeypatch.setattr(importer, "_import", reading)
    counts = import_bundle(EXAMPLE_BUNDLE)
    assert readings == [True]
    assert counts["visits"]["created"] == len(example["visits"]) == Visit.objects.count()
    assert Attendance.objects.count() == sum(len(v["attendances"]) for v in example["visits"])
