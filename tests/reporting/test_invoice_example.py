"""The worked example: import the shared bundle and print every invoice case with the command the
cases file names; each must match the expected invoice under compare.py's rules."""

from __future__ import annotations

import importlib.util
import io
import json

from django.core.management import call_command
from django.db.models import Sum

from commissioning.models import User
from interchange.importer import import_bundle
from reporting.models.money import Invoice, InvoiceDetail
from reporting.money.invoice_compute import fmt_rate, price_line
from reporting.money.services import invoice_issue
from tests.examples import EXAMPLES


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

    # Issuing stores the visit-level rows behind each line: per line they add up to its minutes, and
    # the lines priced from them give the same amounts (the detail and the lines are two queries).
    admin = User.objects.create_superuser(email="admin@example.org", password="x" * 12)
    for invoice in Invoice.objects.filter(kind="invoice"):
        issued = invoice_issue(invoice_id=invoice.pk, actor=admin)
        sums = InvoiceDetail.objects.filter(invoice=issued).values("line_kind", "rate").annotate(m=Sum("minutes"))
        priced = {
            (r["line_kind"], fmt_rate(r["line_kind"], r["rate"])): price_line(r["line_kind"], r["rate"], r["m"])
            for r in sums
            if r["line_kind"] not in ("missed", "short_staffed", "credit")
        }
        lines = [line for line in issued.data["lines"] if line["kind"] != "credit"]
        assert len(priced) == len(lines), issued
        for line in lines:
            assert priced[(line["kind"], line["rate"])]["amount"] == line["amount"], (issued, line)
        exceptions = InvoiceDetail.objects.filter(invoice=issued, line_kind__in=["missed", "short_staffed"])
        assert exceptions.count() == len(issued.data["exceptions"])
