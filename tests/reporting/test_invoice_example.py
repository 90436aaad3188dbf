"""The worked example: import the shared bundle and print every invoice case with the command the
cases file names; each must match the expected invoice under compare.py's rules."""

from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from commissioning.bundle.importer import import_bundle

EXAMPLES = Path("/work/shared/examples")
pytestmark = pytest.mark.skipif(not EXAMPLES.exists(), reason="the shared worked example is not on this machine")


def _compare_module():
    spec = importlib.util.spec_from_file_location("example_compare", EXAMPLES / "compare.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def mismatches(expected: dict, actual: dict) -> list[str]:
    """compare.py's main(), returning the mismatches instead of printing them."""
    cmp = _compare_module()
    exp, act = cmp.invoice_view(expected), cmp.invoice_view(actual)
    out = []
    for path, want in cmp.leaves(exp):
        got = cmp.get(act, path)
        if got is KeyError or not (cmp.same(want, got) or (isinstance(want, list) and want == got)):
            out.append(f"{'.'.join(path)}: expected {want!r}, got {'missing' if got is KeyError else repr(got)}")
    return out


def test_every_invoice_of_the_worked_example_matches(db):
    import_bundle(EXAMPLES / "example-area.json")
    cases = [
        c for c in json.loads((EXAMPLES / "expected/example-area--cases.json").read_text()) if c["kind"] == "invoice"
    ]
    assert len(cases) == 8
    failures = {}
    for case in cases:
        out = io.StringIO()
        call_command(*case["args"], stdout=out)
        expected = json.loads((EXAMPLES / "expected" / case["expected"]).read_text())
        if problems := mismatches(expected, json.loads(out.getvalue())):
            failures[case["expected"]] = problems
    assert failures == {}
