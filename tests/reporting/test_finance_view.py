"""Income against staffing cost for a hand-built period (4 to 31 August 2025 of C-P1).

Worker A (team in the contract's neighbourhood, walks, 12.00/h) works one care shift of 6.5 paid
hours with visits X (60 min) -> Y (30) -> X (45): contact 135 min, travel 17 + 17 = 34 min.
Worker B has no team in the neighbourhood: his shift is not this contract's cost.
Lot 1 bills planned time: 135 min x 26.22 / 60 = 58.995 -> 59.00, issued; a 9.00 credit note."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from commissioning.models import Organisation, Role
from reporting.money.finance import contract_finance
from reporting.money.services import credit_note_issue, invoice_compute_draft, invoice_issue
from tests.conftest import PASSWORD, make_user
from tests.reporting.money_factories import make_person, make_shift, make_visit, make_worker
from workforce.models import Team

DAY = date(2025, 8, 10)


@pytest.fixture
def period(contract, manager):
    contract.lots.update(billing_basis="planned")
    team = Team.objects.create(provider=contract.provider, ref="T1", neighbourhood=contract.neighbourhood, name="T")
    x = make_person(contract, ref="X", lat=53.80, lon=-1.55)
    y = make_person(contract, ref="Y", lat=53.81, lon=-1.55)
    a = make_worker(contract.provider, ref="A", pay_rate="12.00", team=team)
    b = make_worker(contract.provider, ref="B", pay_rate="13.00")
    make_shift(a, "2025-08-04T07:00", "2025-08-04T14:00", brk=30)
    make_shift(b, "2025-08-05T07:00", "2025-08-05T14:00")
    make_visit(x, "2025-08-04T07:30", minutes=60, attend=[(a, "07:30", "08:30")])
    make_visit(y, "2025-08-04T09:00", minutes=30, attend=[(a, "09:00", "09:30")])
    make_visit(x, "2025-08-04T11:00", minutes=45, attend=[(a, "11:00", "11:45")])
    lot1 = contract.lots.get(number=1)
    issued = invoice_issue(
        invoice_id=invoice_compute_draft(lot_id=lot1.pk, period_start=date(2025, 8, 4)).pk, actor=manager
    )
    credit_note_issue(invoice_id=issued.pk, amount="9.00", reason="late visit", actor=manager)
    return contract


def test_income_cost_efficiency_and_break_even(period):
    f = contract_finance(contract=period, day=DAY)
    assert (f.period_start, f.period_end) == (date(2025, 8, 4), date(2025, 8, 31))
    assert f.income == Decimal("50.00")  # 59.00 - 9.00
    assert f.income_note == "1 lot not yet computed"  # lot 2 has no invoice
    # A only: 6.5 h x 12.00 = 78.00; x 1.25 on-cost = 97.50
    assert (f.gross_pay, f.direct_cost, f.margin) == (Decimal("78.00"), Decimal("97.50"), Decimal("-47.50"))
    assert (f.paid_hours, f.contact_hours) == (Decimal("6.50"), Decimal("2.25"))
    assert f.efficiency == Decimal("0.346")  # 135 / 390
    assert f.cost_per_contact_hour == Decimal("43.33")  # 97.50 / 2.25
    assert f.travel_minutes_per_care_hour == Decimal("15.1")  # 34 / 2.25
    # 97.50 / (6.5 x 26.22 = 170.43) = 0.5721
    assert f.break_even_efficiency == Decimal("0.572")


def login(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_the_provider_sees_it_and_commissioners_only_once_shared(period, manager, officer, other_provider_user):
    url = reverse("reporting:finance") + "?date=2025-08-10"
    assert "97.50" in login(manager).get(url).content.decode()
    assert "97.50" not in login(officer).get(url).content.decode()
    assert "97.50" not in login(other_provider_user).get(url).content.decode()

    response = login(manager).post(reverse("reporting:finance_share"), {"share": "yes"})
    assert response.status_code == 302
    assert Organisation.objects.get(pk=period.provider_id).shares_finance_with_commissioners
    assert "97.50" in login(officer).get(url).content.decode()
    assert "97.50" not in login(other_provider_user).get(url).content.decode()
    outsider = make_user(
        Organisation.objects.create(kind="commissioner", ref="FAR2", name="Far"), Role.COMMISSIONER_OFFICER
    )
    assert "97.50" not in login(outsider).get(url).content.decode()

    login(manager).post(reverse("reporting:finance_share"), {"share": "no"})
    assert "97.50" not in login(officer).get(url).content.decode()


def test_only_a_provider_manager_may_toggle_sharing(period, coordinator, officer):
    assert login(coordinator).post(reverse("reporting:finance_share"), {"share": "yes"}).status_code == 403
    assert login(officer).post(reverse("reporting:finance_share"), {"share": "yes"}).status_code == 403
    assert not Organisation.objects.get(pk=period.provider_id).shares_finance_with_commissioners


def test_a_commissioner_counts_only_issued_invoices_of_its_own_lots(period, manager, officer, trust):
    """Lot 2 (the trust's) gets a draft of 26.22 and then an issued invoice; lot 1 (the council's) is
    issued (50.00 after its credit note). The council's figure is its own lot, issued, only."""
    lot2 = period.lots.get(number=2)
    lot2.billing_basis = "planned"
    lot2.save()
    carer = make_worker(period.provider, ref="C")
    make_visit(make_person(period, lot=2, ref="Z"), "2025-08-06T10:00", minutes=60, attend=[(carer, "10:00", "11:00")])
    Organisation.objects.filter(pk=period.provider_id).update(shares_finance_with_commissioners=True)
    draft = invoice_compute_draft(lot_id=lot2.pk, period_start=date(2025, 8, 4))
    assert draft.total == Decimal("26.22")
    mine = contract_finance(contract=period, day=DAY, actor=officer)
    assert (mine.income, mine.income_note, mine.whole_contract) == (Decimal("50.00"), "", False)
    # The provider counts the trust's draft too, and says so.
    theirs = contract_finance(contract=period, day=DAY, actor=manager)
    assert (theirs.income, theirs.income_note) == (Decimal("76.22"), "1 lot from a draft")
    page = login(officer).get(reverse("reporting:finance") + "?date=2025-08-10").content.decode()
    assert "£50.00" in page and "76.22" not in page
    assert "Invoiced to you (your lots, issued invoices)" in page and "Income less direct cost" not in page
    # The trust's lot is still a draft: nothing is income for the trust yet, and its draft is not shown.
    trust_officer = make_user(trust, Role.COMMISSIONER_OFFICER)
    trusts = contract_finance(contract=period, day=DAY, actor=trust_officer)
    assert (trusts.income, trusts.income_note) == (Decimal("0.00"), "1 lot not yet issued")
