"""Drafts, issue, numbering, immutability and credit notes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from commissioning.models import Role
from homecare.api_errors import DomainError
from homecare.lib.dates import LONDON
from reporting.models.money import Invoice, InvoiceDetail
from reporting.money.outputs import detail_rows
from reporting.money.services import credit_note_issue, invoice_compute_draft, invoice_issue
from reporting.money.tasks import compute_period_end_drafts, render_invoice_pdf
from tests.conftest import make_user
from tests.reporting.money_factories import make_person, make_visit, make_worker

P = date(2025, 8, 4)


@pytest.fixture
def billed(contract):
    """Lot 1 billing planned time: one hour on 5 August (26.22) and a missed visit."""
    contract.lots.filter(number=1).update(billing_basis="planned")
    w = make_worker(contract.provider)
    q = make_person(contract)
    make_visit(q, "2025-08-05T09:00", minutes=60, attend=[(w, "09:00", "10:00")], ref="V1")
    make_visit(q, "2025-08-06T09:00", minutes=60, status="missed", ref="V2")
    return contract.lots.get(number=1)


def test_computing_a_draft_twice_keeps_one_draft_with_the_same_figures(billed):
    first = invoice_compute_draft(lot_id=billed.pk, period_start=P)
    again = invoice_compute_draft(lot_id=billed.pk, period_start=P)
    assert first.pk == again.pk
    assert Invoice.objects.filter(lot=billed).count() == 1
    assert again.data == first.data and again.total == Decimal("26.22")
    # the detail behind it: one billed attendance and one exception (a draft stores none)
    assert [(r[0], r[2]) for r in detail_rows(again)] == [("care", "V1"), ("missed", "V2")]
    assert not InvoiceDetail.objects.filter(invoice=again).exists()


def test_the_database_refuses_a_second_draft_for_a_lot_and_period(billed):
    draft = invoice_compute_draft(lot_id=billed.pk, period_start=P)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(
            provider=draft.provider,
            contract=draft.contract,
            lot=billed,
            commissioner=draft.commissioner,
            period_start=P,
            period_end=draft.period_end,
            data={},
            total=0,
        )


def test_issuing_numbers_invoices_sequentially_per_provider(contract, other_contract, manager, other_provider_user):
    lot1, lot2 = contract.lots.order_by("number")
    a = invoice_issue(invoice_id=invoice_compute_draft(lot_id=lot1.pk, period_start=P).pk, actor=manager)
    b = invoice_issue(invoice_id=invoice_compute_draft(lot_id=lot2.pk, period_start=P).pk, actor=manager)
    other_lot = other_contract.lots.get(number=1)
    c = invoice_issue(
        invoice_id=invoice_compute_draft(lot_id=other_lot.pk, period_start=P).pk, actor=other_provider_user
    )
    assert (a.number, b.number, c.number) == ("P1-000001", "P1-000002", "P2-000001")
    assert a.data["number"] == "P1-000001" and a.data["status"] == "issued"
    assert a.issued_by == manager


def test_only_the_providers_manager_may_issue(billed, coordinator, other_provider_user, officer):
    draft = invoice_compute_draft(lot_id=billed.pk, period_start=P)
    for actor in (coordinator, other_provider_user, officer):
        with pytest.raises(DomainError):
            invoice_issue(invoice_id=draft.pk, actor=actor)
    assert Invoice.objects.get(pk=draft.pk).status == "draft"


def test_issuing_freezes_what_the_data_says_at_that_moment(billed, manager):
    draft = invoice_compute_draft(lot_id=billed.pk, period_start=P)
    # a late attendance arrives before issue: issuing recomputes, so it is on the invoice
    make_visit(
        billed.contract.people.first(),
        "2025-08-07T09:00",
        minutes=30,
        attend=[(make_worker(billed.provider), "09:00", "09:30")],
    )
    issued = invoice_issue(invoice_id=draft.pk, actor=manager)
    assert issued.total == Decimal("39.33")  # 1.5 h x 26.22
    # ... and one arriving after issue changes nothing: recomputing returns the issued invoice
    make_visit(
        billed.contract.people.first(),
        "2025-08-08T09:00",
        minutes=60,
        attend=[(make_worker(billed.provider), "09:00", "10:00")],
    )
    again = invoice_compute_draft(lot_id=billed.pk, period_start=P)
    assert again.pk == issued.pk and again.total == Decimal("39.33")


def _refused(fn):
    with pytest.raises(DatabaseError), transaction.atomic():
        fn()


def test_an_issued_invoice_cannot_change_through_any_path(billed, manager):
    issued = invoice_issue(invoice_id=invoice_compute_draft(lot_id=billed.pk, period_start=P).pk, actor=manager)
    detail = InvoiceDetail.objects.filter(invoice=issued).first()

    def orm_save():
        obj = Invoice.objects.get(pk=issued.pk)
        obj.total = Decimal("1.00")
        obj.save()

    _refused(orm_save)
    _refused(lambda: Invoice.objects.filter(pk=issued.pk).update(data={"lines": []}))
    _refused(lambda: Invoice.objects.filter(pk=issued.pk).update(status="draft"))
    _refused(lambda: Invoice.objects.filter(pk=issued.pk).delete())
    _refused(lambda: connection.cursor().execute("UPDATE reporting_invoice SET total = 0 WHERE id = %s", [issued.pk]))
    _refused(lambda: InvoiceDetail.objects.filter(pk=detail.pk).update(amount=0))
    _refused(lambda: InvoiceDetail.objects.filter(invoice=issued).delete())
    _refused(lambda: InvoiceDetail.objects.create(invoice=issued, provider=issued.provider, line_kind="care", amount=1))
    fresh = Invoice.objects.get(pk=issued.pk)
    assert (fresh.total, fresh.status, fresh.data["total"]) == (Decimal("26.22"), "issued", "26.22")
    assert InvoiceDetail.objects.filter(invoice=issued).count() == 2


def test_issuing_twice_is_refused(billed, manager):
    issued = invoice_issue(invoice_id=invoice_compute_draft(lot_id=billed.pk, period_start=P).pk, actor=manager)
    with pytest.raises(DomainError):
        invoice_issue(invoice_id=issued.pk, actor=manager)


def test_a_credit_note_is_the_correction_numbered_in_the_same_sequence(billed, manager):
    issued = invoice_issue(invoice_id=invoice_compute_draft(lot_id=billed.pk, period_start=P).pk, actor=manager)
    note = credit_note_issue(invoice_id=issued.pk, amount="10.00", reason="visit V1 was shorter", actor=manager)
    assert (note.number, note.kind, note.status, note.credit_for_id) == (
        "P1-000002",
        "credit_note",
        "issued",
        issued.pk,
    )
    assert note.total == Decimal("-10.00")
    assert note.data["credit_for"] == "P1-000001" and note.data["lines"][0]["amount"] == "-10.00"
    # never more than what is left: 26.22 - 10.00 = 16.22
    with pytest.raises(DomainError):
        credit_note_issue(invoice_id=issued.pk, amount="16.23", reason="too much", actor=manager)
    last = credit_note_issue(invoice_id=issued.pk, amount="16.22", reason="the rest", actor=manager)
    assert last.number == "P1-000003"
    assert Invoice.objects.get(pk=issued.pk).total == Decimal("26.22")  # the invoice itself never changed


def test_a_draft_cannot_be_credited_and_a_credit_needs_a_reason(billed, manager):
    draft = invoice_compute_draft(lot_id=billed.pk, period_start=P)
    with pytest.raises(DomainError):
        credit_note_issue(invoice_id=draft.pk, amount="1", reason="x", actor=manager)
    issued = invoice_issue(invoice_id=draft.pk, actor=manager)
    with pytest.raises(DomainError):
        credit_note_issue(invoice_id=issued.pk, amount="1", reason="  ", actor=manager)
    with pytest.raises(DomainError):
        credit_note_issue(invoice_id=issued.pk, amount="-5", reason="x", actor=manager)


def test_the_daily_task_drafts_lots_whose_period_ended_yesterday_and_is_safe_twice(
    billed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert compute_period_end_drafts(today="2025-08-31") == 0  # the period ends on the 31st: not yet
    with django_capture_on_commit_callbacks(execute=True):
        assert compute_period_end_drafts(today="2025-09-01") == 2  # both lots of C-P1
    with django_capture_on_commit_callbacks(execute=True):
        compute_period_end_drafts(today="2025-09-01")
    drafts = Invoice.objects.filter(period_start=P, status="draft")
    assert drafts.count() == 2
    assert drafts.get(lot=billed).total == Decimal("26.22")


def test_the_worker_renders_and_stores_the_pdf_of_an_issued_invoice(
    billed, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issued = invoice_issue(invoice_id=invoice_compute_draft(lot_id=billed.pk, period_start=P).pk, actor=manager)
    issued.refresh_from_db()
    assert issued.pdf.name.startswith("invoices/P1-000001")
    with issued.pdf.open("rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert render_invoice_pdf(issued.pk) is False  # stored once; a second run does nothing
    assert Invoice.objects.get(pk=issued.pk).status == "issued"


def test_a_care_worker_can_not_issue(billed, provider):
    draft = invoice_compute_draft(lot_id=billed.pk, period_start=P)
    nobody = make_user(provider, Role.CARE_WORKER, email="carer@p1.example")
    with pytest.raises(DomainError):
        invoice_issue(invoice_id=draft.pk, actor=nobody)


def test_the_admin_change_form_is_refused_for_an_issued_invoice(billed, manager):
    """The admin lets a superuser edit rows; for an issued invoice the database trigger refuses the
    save the change form makes, and the invoice stays as issued."""
    import json

    from django.contrib import admin
    from django.test import Client

    from commissioning.models import User

    issued = invoice_issue(invoice_id=invoice_compute_draft(lot_id=billed.pk, period_start=P).pk, actor=manager)
    root = User.objects.create_superuser(email="root@example.org", password="x" * 12)
    client = Client()
    client.force_login(root)
    url = f"/admin/reporting/invoice/{issued.pk}/change/"
    if not admin.site.is_registered(Invoice):
        assert client.get(url).status_code == 404
        return
    assert client.get(url).status_code == 200
    local = issued.issued_at.astimezone(LONDON)
    form = {
        "provider": issued.provider_id,
        "contract": issued.contract_id,
        "lot": issued.lot_id,
        "commissioner": issued.commissioner_id,
        "kind": issued.kind,
        "credit_for": "",
        "period_start": issued.period_start.isoformat(),
        "period_end": issued.period_end.isoformat(),
        "status": "issued",
        "number": issued.number,
        "data": json.dumps({**issued.data, "total": "0.01"}),
        "total": "0.01",
        "computed_at_0": local.date().isoformat(),
        "computed_at_1": local.strftime("%H:%M:%S"),
        "issued_at_0": local.date().isoformat(),
        "issued_at_1": local.strftime("%H:%M:%S"),
        "issued_by": issued.issued_by_id,
    }
    _refused(lambda: client.post(url, form))
    assert Invoice.objects.get(pk=issued.pk).total == Decimal("26.22")
