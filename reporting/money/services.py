"""Writes for invoices: compute a draft, issue it, correct it with a credit note.

A draft is recomputed in place (one per lot and period); issuing numbers it in the provider's
sequence and freezes it (a database trigger refuses any later change); a credit note, numbered in
the same sequence, is the only correction.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils import timezone

from commissioning.models import Lot, Organisation, Role
from homecare.api_errors import DomainError
from homecare.lib.dates import LONDON
from homecare.lib.words import money as money_text
from reporting.models.money import Invoice, InvoiceNumber
from reporting.money.display import terms_fields
from reporting.money.invoice_compute import DetailQuery, compute_invoice, money

NUMBER_DIGITS = 6


def _compute_draft(lot_id: int, period_start: date) -> tuple[Invoice, DetailQuery | None]:
    lot = Lot.objects.select_for_update().select_related("contract").get(pk=lot_id)
    issued = Invoice.objects.filter(
        lot=lot, period_start=period_start, kind=Invoice.Kind.INVOICE, status=Invoice.Status.ISSUED
    ).first()
    if issued is not None:
        return issued, None
    data, details = compute_invoice(lot_id=lot.pk, period_start=period_start)
    fields = {
        "provider_id": lot.provider_id,
        "contract_id": lot.contract_id,
        "commissioner_id": lot.commissioner_id,
        "period_end": date.fromisoformat(data["period_end"]),
        "data": data,
        "total": Decimal(data["total"]),
        "computed_at": timezone.now(),
        "pdf": "",  # a recomputed draft's old rendering no longer matches it
    }
    draft = Invoice.objects.filter(
        lot=lot, period_start=period_start, kind=Invoice.Kind.INVOICE, status=Invoice.Status.DRAFT
    ).first()
    if draft is None:
        draft = Invoice(lot=lot, period_start=period_start, kind=Invoice.Kind.INVOICE, **fields)
    else:
        for name, value in fields.items():
            setattr(draft, name, value)
    draft.full_clean(exclude=["data"])
    draft.save()
    return draft, details


@transaction.atomic
def invoice_compute_draft(*, lot_id: int, period_start: date) -> Invoice:
    """The lot's invoice for the period: the issued one if it exists, else a draft computed now.
    Safe to run twice and concurrently: the lot row is locked while the draft is written.
    A draft stores no visit-level rows (its detail CSV is computed when asked for); issuing does."""
    return _compute_draft(lot_id, period_start)[0]


def _require_manager(actor, provider_id: int) -> None:
    if getattr(actor, "is_superuser", False):
        return
    org = getattr(actor, "organisation", None)
    if org is None or org.pk != provider_id or Role.PROVIDER_MANAGER not in (getattr(actor, "roles", None) or []):
        raise DomainError([{"path": "", "message": "only the provider's manager may issue invoices"}], 403)


def _next_number(provider: Organisation) -> str:
    # The counter row is created once per provider, then locked: numbers never repeat or skip.
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO reporting_invoicenumber (provider_id, last) VALUES (%s, 0) ON CONFLICT (provider_id) DO NOTHING",
            [provider.pk],
        )
    counter = InvoiceNumber.objects.select_for_update().get(provider=provider)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{provider.ref}-{counter.last:0{NUMBER_DIGITS}d}"


def _enqueue_pdf(invoice_id: int) -> None:
    from reporting.money.tasks import render_invoice_pdf

    transaction.on_commit(lambda: render_invoice_pdf.delay(invoice_id))


@transaction.atomic
def invoice_issue(*, invoice_id: int, actor, at: datetime | None = None) -> Invoice:
    """Issue a draft: its number, its date (`at`, default now: the demo dates its invoices by their
    period), the contract's terms frozen with it."""
    invoice = Invoice.objects.select_for_update().select_related("provider").get(pk=invoice_id)
    _require_manager(actor, invoice.provider_id)
    if invoice.status == Invoice.Status.ISSUED:
        raise DomainError([{"path": "status", "message": f"invoice {invoice.number} is already issued"}])
    # Issue exactly what the data says now: recompute the draft first so nothing stale is frozen,
    # and store the visit-level rows behind its lines (one INSERT ... SELECT) before freezing.
    invoice, details = _compute_draft(invoice.lot_id, invoice.period_start)
    details.insert_into(invoice.pk, invoice.provider_id)
    invoice = Invoice.objects.select_for_update().select_related("provider", "contract").get(pk=invoice.pk)
    invoice.number = _next_number(invoice.provider)
    invoice.status = Invoice.Status.ISSUED
    invoice.issued_at = at or timezone.now()
    invoice.issued_by = actor if getattr(actor, "pk", None) and not hasattr(actor, "token") else None
    # The invoice keeps the date, terms and due date it was issued with, whatever the contract says later.
    terms = terms_fields(contract=invoice.contract, issued=invoice.issued_at.astimezone(LONDON).date())
    invoice.data = {**invoice.data, "number": invoice.number, "status": "issued", **terms}
    invoice.save()
    _enqueue_pdf(invoice.pk)
    return invoice


def _credit_lines(amount, lines) -> list[dict]:
    if (amount is None) == (lines is None):
        raise DomainError([{"path": "amount", "message": "give either an amount or lines"}])
    raw = [{"kind": "credit_note", "amount": amount}] if amount is not None else lines
    out = []
    for i, line in enumerate(raw):
        try:
            value = money(Decimal(str(line["amount"])))
        except (KeyError, InvalidOperation):
            raise DomainError([{"path": f"lines[{i}].amount", "message": "not an amount"}]) from None
        if value <= 0:
            raise DomainError([{"path": f"lines[{i}].amount" if lines else "amount", "message": "must be positive"}])
        out.append(
            {
                **{k: v for k, v in line.items() if k != "amount"},
                "kind": line.get("kind", "credit_note"),
                "amount": str(-value),
            }
        )
    return out


@transaction.atomic
def credit_note_issue(*, invoice_id: int, reason: str, actor, amount=None, lines: list[dict] | None = None) -> Invoice:
    """A credit note against an issued invoice: numbered in the provider's sequence, issued at once.
    Credits never exceed what the invoice still stands at after earlier credit notes."""
    invoice = Invoice.objects.select_for_update().select_related("provider", "lot", "contract").get(pk=invoice_id)
    _require_manager(actor, invoice.provider_id)
    if invoice.kind != Invoice.Kind.INVOICE or invoice.status != Invoice.Status.ISSUED:
        raise DomainError([{"path": "invoice", "message": "a credit note corrects an issued invoice"}])
    if not reason.strip():
        raise DomainError([{"path": "reason", "message": "say why"}])
    credit_lines = _credit_lines(amount, lines)
    total = sum((Decimal(line["amount"]) for line in credit_lines), Decimal("0.00"))
    credited = sum((c.total for c in invoice.credit_notes.all()), Decimal("0.00"))
    if invoice.total + credited + total < 0:
        raise DomainError(
            [
                {
                    "path": "amount",
                    "message": f"more than the {money_text(invoice.total + credited)} left on {invoice.number}",
                }
            ]
        )
    number = _next_number(invoice.provider)
    issued_at = timezone.now()
    data = {
        "number": number,
        "kind": "credit_note",
        "credit_for": invoice.number,
        "provider": invoice.data["provider"],
        "contract": invoice.data["contract"],
        "lot": invoice.data["lot"],
        "commissioner": invoice.data["commissioner"],
        "period_start": invoice.data["period_start"],
        "period_end": invoice.data["period_end"],
        "status": "issued",
        "reason": reason.strip(),
        "lines": credit_lines,
        "total": str(total),
        "exceptions": [],
        "issue_date": issued_at.astimezone(LONDON).date().isoformat(),
    }
    note = Invoice(
        provider=invoice.provider,
        contract=invoice.contract,
        lot=invoice.lot,
        commissioner_id=invoice.commissioner_id,
        kind=Invoice.Kind.CREDIT_NOTE,
        credit_for=invoice,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        status=Invoice.Status.ISSUED,
        number=number,
        data=data,
        total=total,
        issued_at=issued_at,
        issued_by=actor if getattr(actor, "pk", None) and not hasattr(actor, "token") else None,
    )
    note.full_clean(exclude=["data"])
    note.save()
    _enqueue_pdf(note.pk)
    return note


def invoice_store_pdf(*, invoice_id: int, content: bytes, rendered_from: Invoice | None = None) -> Invoice:
    """Store the rendered PDF once (the trigger accepts exactly this change on an issued invoice).
    `rendered_from`: the invoice as it was rendered (default: as it is now)."""
    from django.core.files.base import ContentFile

    invoice = Invoice.objects.get(pk=invoice_id)
    rendered_from = rendered_from or invoice
    if invoice.pdf:
        return invoice
    name = f"{invoice.number or f'draft-{invoice.pk}'}.pdf"
    invoice.pdf.save(name, ContentFile(content), save=False)
    # Attached only if nothing moved meanwhile: a draft recomputed (or issued) since it was rendered
    # keeps no stale PDF.
    stored = Invoice.objects.filter(
        pk=invoice.pk, pdf="", computed_at=rendered_from.computed_at, status=rendered_from.status
    ).update(pdf=invoice.pdf.name)
    if not stored:
        invoice.pdf.storage.delete(invoice.pdf.name)
    return invoice


def invoice_pdf_request(*, invoice_id: int) -> None:
    """Ask the worker for the PDF of an invoice that has none yet (a draft's preview, or an issued
    invoice whose rendering is still queued). Rendering twice is harmless: the first one stored wins."""
    _enqueue_pdf(invoice_id)


def organisation_share_finance(*, organisation_id: int, share: bool, actor) -> Organisation:
    """The provider manager's switch: may commissioners see this provider's income-versus-cost view?"""
    _require_manager(actor, organisation_id)
    org = Organisation.objects.get(pk=organisation_id, kind=Organisation.Kind.PROVIDER)
    org.shares_finance_with_commissioners = share
    org.save(update_fields=["shares_finance_with_commissioners"])
    return org
