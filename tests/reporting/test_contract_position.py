"""The contract position from issued invoices, with the sums worked out by hand: guaranteed hours
against delivered and invoiced hours, retainers, the top-up, credits and credit notes, spend to date
against the expected value; drafts left out; a commissioner sees its own lots' invoices only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from commissioning.models import Contract
from reporting.dashboard.position import contract_position
from reporting.models.money import Invoice
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
D = Decimal


def invoice(contract, lot_no, start, end, lines, *, status="issued", number=None, kind="invoice", credit_for=None):
    lot = contract.lots.get(number=lot_no)
    total = sum((D(line["amount"]) for line in lines), D("0"))
    return Invoice.objects.create(
        provider=contract.provider,
        contract=contract,
        lot=lot,
        commissioner=lot.commissioner,
        kind=kind,
        credit_for=credit_for,
        period_start=start,
        period_end=end,
        status=status,
        number=number,
        data={"lines": lines, "total": str(total)},
        total=total,
        issued_at=timezone.now() if status == "issued" else None,
    )


def line(kind, hours, amount, rate="26.22"):
    return {"kind": kind, "hours": hours, "rate": rate, "amount": amount}


@pytest.fixture
def invoices(contract):
    """Lot 1: 90 expected hours a week, 80% guaranteed; four-weekly from 7 July 2025."""
    lot1 = contract.lots.get(number=1)
    lot1.guaranteed_share = D("0.80")
    lot1.save()
    Contract.objects.filter(pk=contract.pk).update(expected_value=D("100000.00"), end=date(2026, 7, 5))
    a = invoice(
        contract, 1, date(2025, 7, 7), date(2025, 8, 3),
        [
            line("care", "200.00", "5244.00"),
            line("short_visit", "10.00", "295.00", "29.50"),
            line("bank_holiday_uplift", "8.00", "104.88", "13.1100"),
            line("hospital_retainer", "5.00", "131.10"),
            line("late_cancellation", "2.00", "52.44"),
            line("guarantee_top_up", "71.00", "1861.62"),
            {"kind": "credit", "amount": "-120.00"},
        ],
        number="P1-000001",
    )  # fmt: skip
    invoice(contract, 1, date(2025, 7, 7), date(2025, 8, 3), [{"kind": "credit_note", "amount": "-50.00"}],
            number="P1-000003", kind="credit_note", credit_for=a)  # fmt: skip
    invoice(contract, 1, date(2025, 8, 4), date(2025, 8, 31), [line("care", "300.00", "7866.00")], number="P1-000004")
    invoice(contract, 1, date(2025, 9, 1), date(2025, 9, 28), [line("care", "999.00", "26193.78")], status="draft")
    invoice(
        contract, 2, date(2025, 7, 7), date(2025, 8, 3), [line("care", "12.00", "336.00", "28.00")], number="P1-000002"
    )
    return a


def test_the_council_sees_its_lots_periods_with_sums_worked_out_by_hand(officer, contract, invoices):
    position = contract_position(actor=officer, contract=Contract.objects.get(pk=contract.pk))
    assert [(r.lot, r.period_start) for r in position.rows] == [(1, date(2025, 7, 7)), (1, date(2025, 8, 4))]
    first, second = position.rows
    # 90 h x 28 days / 7 x 0.80 = 288 h guaranteed in each four-week period.
    assert first.guaranteed_hours == D("288.00") and second.guaranteed_hours == D("288.00")
    assert first.delivered_hours == D("210.00")  # care 200 + short visits 10
    assert first.invoiced_hours == D("288.00")  # 210 + retainer 5 + late cancellation 2 + top-up 71
    assert (first.retainer_amount, first.top_up_amount, first.top_up_hours) == (D("131.10"), D("1861.62"), D("71.00"))
    # 5244.00 + 295.00 + 104.88 + 131.10 + 52.44 + 1861.62 - 120.00 = 7569.04; the credit note takes 50 off.
    assert first.total == D("7569.04") and first.credit_notes == D("-50.00") and first.net == D("7519.04")
    assert first.credits == D("-170.00")  # the refund line and the credit note
    assert second.net == D("7866.00") and second.shortfall == D("0")
    assert first.shortfall == D("71.00")
    assert position.spend_to_date == D("15385.04") == second.spend_to_date
    assert position.share_of_expected == D("15.4")  # of £100,000
    assert position.guaranteed_total == D("576.00") and not position.all_lots_visible
    assert position.elapsed_share(date(2025, 10, 5)) == D("25.0")  # 91 of 364 days


def test_the_provider_manager_sees_every_lot(manager, contract, invoices):
    position = contract_position(actor=manager, contract=contract)
    assert [(r.lot, r.number) for r in position.rows] == [(1, "P1-000001"), (2, "P1-000002"), (1, "P1-000004")]
    assert position.spend_to_date == D("15721.04") and position.all_lots_visible


def test_the_page_shows_the_totals_and_other_organisations_get_404(
    client, officer, other_provider_user, contract, invoices
):
    client.login(email=officer.email, password=PASSWORD)
    html = client.get("/reporting/contracts/C-P1/").content.decode()
    assert "£15,385.04" in html and "£100,000.00 over the term: 15.4% spent" in html
    assert 'data-period="2025-07-07" data-lot="1"' in html and "£1,861.62" in html and "-£170.00" in html
    assert "P1-000002" not in html  # the trust's lot
    client.logout()
    client.login(email=other_provider_user.email, password=PASSWORD)
    assert client.get("/reporting/contracts/C-P1/").status_code == 404
