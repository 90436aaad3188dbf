"""The worked example: import the shared bundle once, compute each return case of the cases file
and compare it with the expected JSON under compare.py's rules (every figure must match); the
records behind each figure add up to it."""

from __future__ import annotations

import importlib.util
import json

import pytest
from django.db import transaction

from commissioning.models import Contract
from homecare.lib.dates import parse_iso_week
from reporting.returns.compute import compute_return_figures, figure_records
from reporting.returns.figures.records import available
from tests.examples import EXAMPLES
from tests.reporting.records_relations import RELATIONS, records_mismatches

# The database is set up only for a session with a test that asks for it: the module fixture below does.
pytestmark = pytest.mark.django_db


def _cases() -> list[dict]:
    cases = json.loads((EXAMPLES / "expected/example-area--cases.json").read_text())
    return [c for c in cases if c["kind"] == "return"]


def _arg(case: dict, name: str) -> str:
    args = case["args"]
    return args[args.index(name) + 1]


def mismatches(expected: dict, actual: dict) -> list[str]:
    """compare.py's main(), returning the mismatches instead of printing them."""
    spec = importlib.util.spec_from_file_location("example_compare", EXAMPLES / "compare.py")
    cmp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cmp)
    out = []
    for path, want in cmp.leaves(expected):
        got = cmp.get(actual, path)
        if got is KeyError or not (cmp.same(want, got) or (isinstance(want, list) and want == got)):
            out.append(f"{'.'.join(path)}: expected {want!r}, got {'missing' if got is KeyError else repr(got)}")
    return out


@pytest.fixture(scope="module")
def example_db(django_db_setup, django_db_blocker):
    """The 6,652-visit bundle imported once for the module, rolled back at its end."""
    from interchange.importer import import_bundle

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            import_bundle(EXAMPLES / "example-area.json")
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def example(example_db, django_db_blocker):
    with django_db_blocker.unblock():
        yield


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c["expected"])
def test_the_return_matches_the_worked_example(example, case):
    contract = Contract.objects.get(ref=_arg(case, "--contract"), provider__ref=_arg(case, "--provider"))
    actual = compute_return_figures(contract_id=contract.pk, week_start=parse_iso_week(_arg(case, "--week")))
    expected = json.loads((EXAMPLES / "expected" / case["expected"]).read_text())
    # JSON round trip: what a REST client would read.
    assert mismatches(expected, json.loads(json.dumps(actual))) == []


def test_all_ten_return_cases_are_checked():
    assert len(_cases()) == 10


def test_every_measure_and_kpi_appears_with_a_due_flag(example):
    contract = Contract.objects.get(ref="C-P1")
    # 2025-W35 is the contract's 8th week (it started on Monday 7 July 2025, W28).
    figures = compute_return_figures(contract_id=contract.pk, week_start=parse_iso_week("2025-W35"))
    assert list(figures["measures"]) == [str(n) for n in range(1, 30)]
    assert list(figures["kpis"]) == [str(n) for n in range(1, 8)]
    due = {n for n, m in figures["measures"].items() if m["due"]}
    # Weekly (1-11) and 4-weekly (14-17) are due in week 8; quarterly, 17-weekly and annual are not.
    assert due == {str(n) for n in [*range(1, 12), 14, 15, 16, 17]}
    assert "version" not in figures and "status" not in figures


# The records behind each figure add up to it (tests/reporting/records_relations.py says how, figure
# by figure), on every return case of the worked example.
EMPTY_IN_EXAMPLE = {"measure:25", "measure:28", "measure:29"}  # no such events: test_return_figures_queries.py


@pytest.fixture(scope="module")
def computed(example_db, django_db_blocker) -> dict:
    """Each return case's figures, computed once for the module."""
    out = {}
    with django_db_blocker.unblock():
        for case in _cases():
            contract = Contract.objects.get(ref=_arg(case, "--contract"), provider__ref=_arg(case, "--provider"))
            week = parse_iso_week(_arg(case, "--week"))
            out[case["expected"]] = (contract, week, compute_return_figures(contract_id=contract.pk, week_start=week))
    return out


def test_every_figure_with_records_has_a_stated_relation():
    assert set(RELATIONS) == available()


@pytest.mark.parametrize("figure", sorted(RELATIONS, key=lambda f: (f[0], int(f.partition(":")[2]))))
def test_the_records_behind_the_figure_add_up_to_it(example, computed, figure):
    rows_seen, problems = 0, []
    for name, (contract, week, figures) in computed.items():
        rows = figure_records(contract_id=contract.pk, week_start=week, figure=figure)
        rows_seen += len(rows)
        problems += [f"{name}: {p}" for p in records_mismatches(figure, rows, figures, week)]
    assert problems == []
    assert rows_seen or figure in EMPTY_IN_EXAMPLE  # the relation was put to the test
