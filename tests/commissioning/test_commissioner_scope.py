"""A commissioner sees only what it commissions (docs/decisions.md): rows under its own lots, submitted
returns and issued invoices, workforce figures as aggregates; the rule sits in tenancy, so the pages,
the API, the admin and the records behind a return's figures all follow it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from commissioning.models import Lot, LotRate, Role, Spend
from commissioning.tenancy import scope_for
from outcomes.models import Credit, Event, Package, Person
from reporting.models.money import Invoice, InvoiceDetail
from reporting.models.returns import ReturnRun, WeeklyReturn
from reporting.money.services import invoice_compute_draft, invoice_issue
from rota.models import Attendance, Shift, Visit
from tests.conftest import make_user
from tests.reporting.money_factories import make_person, make_shift, make_visit, make_worker
from tests.reporting.test_return_outputs import stored_return
from workforce.models import Absence, Worker

WEEK = date(2025, 9, 8)


@pytest.fixture
def lots(contract, manager):
    """Q1 in lot 1 (the council's) and Q2 in lot 2 (the trust's), each with a package, a visit with
    W1's attendance, a credit; W1's shift and sickness; a submitted and a draft return; issued
    invoices to both commissioners and a draft."""
    w1 = make_worker(contract.provider, ref="W1")
    make_shift(w1, "2025-09-08T08:00", "2025-09-08T14:00", ref="S1")
    Absence.objects.create(provider=contract.provider, ref="AB1", worker=w1, start=WEEK, end=WEEK, kind="sickness")
    Spend.objects.create(
        provider=contract.provider, ref="SP1", contract=contract, period_start=WEEK, period_end=WEEK,
        indirect_staffing=Decimal("1"), total_spend=Decimal("2"),
    )  # fmt: skip
    Event.objects.create(provider=contract.provider, ref="E1", date=WEEK, kind="complaint", title="Late")
    for lot, ref in ((1, "Q1"), (2, "Q2")):
        person = make_person(contract, lot=lot, ref=ref)
        Package.objects.create(
            provider=contract.provider, ref=f"PK{lot}", person=person, lot=lot, start=date(2025, 7, 7),
            planned_weekly_hours=Decimal("7"),
        )  # fmt: skip
        make_visit(person, f"2025-08-0{4 + lot}T09:00", attend=[(w1, "09:00", "10:00")], ref=f"V{lot}")
        Credit.objects.create(
            provider=contract.provider, ref=f"CR{lot}", contract=contract, lot=lot, date=WEEK,
            amount=Decimal("1"), reason="x",
        )  # fmt: skip
    stored_return(contract, week_start=WEEK, status="submitted")
    stored_return(contract, week_start=date(2025, 9, 15))
    ReturnRun.objects.create(provider=contract.provider, contract=contract, week_start=WEEK)
    for lot in contract.lots.all():
        invoice_issue(invoice_id=invoice_compute_draft(lot_id=lot.pk, period_start=date(2025, 8, 4)).pk, actor=manager)
    invoice_compute_draft(lot_id=contract.lots.get(number=1).pk, period_start=date(2025, 9, 1))
    return contract


def refs(actor, model, field="ref") -> list:
    return sorted(scope_for(actor, model.objects.all()).values_list(field, flat=True))


def test_the_council_reads_its_lot_only(lots, officer, manager):
    assert refs(officer, Person) == ["Q1"]
    assert refs(officer, Package) == ["PK1"]
    assert refs(officer, Visit) == ["V1"]
    assert refs(officer, Attendance, "visit__ref") == ["V1"]
    assert refs(officer, Credit) == ["CR1"]
    assert refs(officer, Lot, "number") == [1]
    assert refs(officer, LotRate, "lot__number") == [1]
    # The provider sees both lots.
    assert refs(manager, Person) == ["Q1", "Q2"]


def test_the_trust_reads_lot_2_only(lots, trust):
    trust_officer = make_user(trust, Role.COMMISSIONER_OFFICER)
    assert refs(trust_officer, Person) == ["Q2"]
    assert refs(trust_officer, Credit) == ["CR2"]
    assert [i.lot.number for i in scope_for(trust_officer, Invoice.objects.all())] == [2]


def test_a_commissioner_reads_submitted_returns_and_issued_invoices_only(lots, officer, council):
    assert list(scope_for(officer, WeeklyReturn.objects.values_list("status", flat=True))) == ["submitted"]
    invoices = scope_for(officer, Invoice.objects.all())
    assert [(i.status, i.lot.number, i.commissioner) for i in invoices] == [("issued", 1, council)]
    details = scope_for(officer, InvoiceDetail.objects.all())
    assert details.exists() and not details.exclude(invoice__status="issued").exists()


def test_nothing_of_the_workforce_or_the_providers_own_business_row_by_row(lots, officer):
    for model in (Worker, Shift, Absence, Spend, Event, ReturnRun):
        assert not scope_for(officer, model.objects.all()).exists(), model.__name__


def test_the_run_page_and_endpoint_are_404_for_a_commissioner(client, lots, officer):
    run = ReturnRun.objects.get()
    client.force_login(officer)
    assert client.get(reverse("reporting:return_run", args=[run.pk])).status_code == 404
    assert client.get(reverse("reporting:return_run_status", args=[run.pk])).status_code == 404
    assert client.get(f"/api/v1/returns/runs/{run.pk}/").status_code == 404


def test_the_invoice_detail_names_carers_by_visit_for_a_commissioner(client, lots, officer, manager):
    invoice = Invoice.objects.get(lot__number=1, status="issued")
    client.force_login(officer)
    theirs = client.get(reverse("reporting:invoice_detail_csv", args=[invoice.pk])).content.decode()
    assert "W1" not in theirs and ",carer 1," in theirs
    client.force_login(manager)
    assert ",W1," in client.get(reverse("reporting:invoice_detail_csv", args=[invoice.pk])).content.decode()


def test_a_commissioners_staff_member_is_refused_the_admin(client, lots, council):
    staff = make_user(council, Role.COMMISSIONER_OFFICER, email="staff@lcc.example", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin's login, which refuses it
    assert client.get(reverse("admin:login")).status_code == 403
    assert client.get(reverse("admin:reporting_weeklyreturn_changelist")).status_code == 302


@pytest.mark.parametrize("figure, shown", [("measures.5.people_supported", ["Q1"]), ("measures.16.sickness_days", [])])
def test_the_records_behind_a_figure_are_the_commissioners_lot_only(client, lots, officer, manager, figure, shown):
    """Measure 5 lists people by lot: the council sees its own. Measure 16 lists sickness by worker:
    the council sees the figure in the return, never the records."""
    wr = WeeklyReturn.objects.get(status="submitted")
    client.force_login(manager)
    everyone = client.get(reverse("reporting:return_records", args=[wr.pk, figure]))
    client.force_login(officer)
    theirs = client.get(reverse("reporting:return_records", args=[wr.pk, figure]))
    assert [r[0].text for r in theirs.context["rows"]] == shown
    assert len(everyone.context["rows"]) > len(shown)
    assert b"Only the records of people in the lots you commission are listed." in theirs.content
