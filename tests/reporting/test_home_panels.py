"""Reporting's home panels, figures worked out by hand: the provider manager's return for last week
and the invoices to issue, the commissioner officer's red KPIs and late or missing returns; scoping
(another provider's rows never appear) and a query count that does not grow with the data.

"Now" is Wednesday 17 September 2025, noon: the last complete week is 8-14 September (2025-W37), its
return due by the end of Wednesday 17 September (the default 3 days after its Sunday)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning.models import Lot
from reporting.home_panels import commissioner_attention, invoices_to_issue, week_return
from reporting.models.money import Invoice
from tests.conftest import make_contract
from tests.reporting.dashboard_builders import figures, stored
from tests.reporting.return_builders import t

pytestmark = pytest.mark.django_db
WEEK = date(2025, 9, 8)
NOW = t("2025-09-17 12:00")
TODAY = NOW.date()


def test_the_managers_return_shows_the_latest_version_and_the_kpis_not_met(manager, contract, other_contract):
    # Version 1 was signed off; version 2 (late data) is a draft: the draft is what needs the manager.
    # KPI 5: 93 of 100 against 95 (not met); KPI 7: 99 of 100 against 98 (met).
    stored(contract, WEEK, figures({1: {5: (93, 100), 7: (99, 100)}}), status="submitted")
    v2 = stored(contract, WEEK, figures({1: {5: (93, 100), 7: (99, 100)}}), status="draft", version=2)
    stored(other_contract, WEEK, figures({1: {7: (10, 100)}}), status="draft")  # Provider Two's own
    ctx = week_return(manager, TODAY, NOW)
    assert ctx["week_label"] == "2025-W37"
    [row] = ctx["rows"]
    assert row["contract"] == contract and row["return"] == v2 and row["return"].status == "draft"
    assert row["due"] == date(2025, 9, 17) and row["overdue"] is False
    assert [(k["number"], k["percent"], k["target"]) for k in row["not_met"]] == [(5, "93.0", "95.0")]
    # The next day the draft is overdue.
    assert week_return(manager, date(2025, 9, 18), t("2025-09-18 09:00"))["rows"][0]["overdue"] is True


def test_a_week_without_a_return_asks_to_compute_it(manager, contract, client):
    ctx = week_return(manager, TODAY, NOW)
    assert ctx["rows"][0]["return"] is None and ctx["rows"][0]["overdue"] is False
    client.force_login(manager)
    page = client.get("/").content.decode()
    assert "Not computed yet" in page and "Compute the return for C-P1" in page


def _invoice(contract, lot_number, total, status="draft", kind="invoice", start=date(2025, 8, 4), **kw):
    lot = Lot.objects.get(contract=contract, number=lot_number)
    return Invoice.objects.create(
        provider=contract.provider,
        contract=contract,
        lot=lot,
        commissioner=lot.commissioner,
        kind=kind,
        period_start=start,
        period_end=date(2025, 8, 31),
        status=status,
        data={},
        total=Decimal(total),
        **kw,
    )


def test_invoices_to_issue_are_the_providers_draft_invoices(manager, contract, other_contract):
    _invoice(contract, 1, "1234.50")
    _invoice(contract, 2, "100.00")
    _invoice(contract, 1, "999.00", status="issued", start=date(2025, 7, 7), number="P1-0001")  # done
    _invoice(other_contract, 1, "5000.00")  # Provider Two's draft
    ctx = invoices_to_issue(manager, TODAY, NOW)
    # Two drafts of Provider One: 1,234.50 + 100.00 = 1,334.50.
    assert ctx["count"] == 2 and ctx["total"] == Decimal("1334.50") and ctx["more"] == 0
    assert sorted(i.total for i in ctx["invoices"]) == [Decimal("100.00"), Decimal("1234.50")]


def test_the_officer_sees_red_kpis_and_missing_returns_of_its_own_lots(officer, contract, other_contract):
    # Provider One signed off on time (Tuesday 16th). Lot 1 (the council's): KPI 7 90 of 100 against
    # 98 is 8 points short, red; KPI 5 94 of 100 against 95 is 1 point short, amber (not listed).
    # Lot 2 (the trust's) has KPI 7 at 50 of 100: not the council's to see.
    stored(contract, WEEK, figures({1: {7: (90, 100), 5: (94, 100)}, 2: {7: (50, 100)}}))
    # Provider Two has only a draft: the council sees nothing, and by Thursday the return is missing.
    stored(other_contract, WEEK, figures({1: {7: (0, 100)}}), status="draft")
    now = t("2025-09-18 12:00")
    ctx = commissioner_attention(officer, now.date(), now)
    assert ctx["lots"] == 2 and ctx["on_time"] == 1
    assert [(r["row"].contract.ref, r["row"].lot.number, r["kpi"].number, r["kpi"].percent) for r in ctx["reds"]] == [
        ("C-P1", 1, 7, "90.0")
    ]
    assert [(r["row"].contract.ref, r["status"]) for r in ctx["late"]] == [("C-P2", "Missing")]


def test_the_panels_take_the_same_queries_whatever_the_number_of_contracts(
    manager, officer, contract, provider, neighbourhood, council, trust
):
    stored(contract, WEEK, figures({1: {7: (90, 100)}}))
    _invoice(contract, 1, "10.00")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            week_return(manager, TODAY, NOW)
            invoices_to_issue(manager, TODAY, NOW)
            commissioner_attention(officer, TODAY, NOW)
        return len(ctx.captured_queries)

    few = queries()
    for n in range(2, 5):
        more = make_contract(provider, neighbourhood, council, trust, ref=f"C-P1-{n}")
        stored(more, WEEK, figures({1: {7: (90, 100)}}))
        _invoice(more, 1, "10.00")
        _invoice(more, 2, "10.00")
    assert queries() == few
