"""Celery shells for invoices: take ids, call one service.

Safe to run twice: a draft is upserted under a lock on its lot, an issued invoice is returned as
it is, and a PDF is stored only if missing. Only transient database errors are retried."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task
from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from homecare.lib.dates import LONDON

__all__ = ["compute_period_end_drafts", "compute_invoice_draft", "render_invoice_pdf"]

RETRY = dict(
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
    acks_late=True,
)


@shared_task(name="reporting.money.tasks.compute_period_end_drafts", **RETRY)
def compute_period_end_drafts(today: str | None = None) -> int:
    """Beat, daily: a draft for every lot whose settlement period ended yesterday (London), one task each."""
    from commissioning.models import Lot
    from reporting.money.periods import period_containing

    day = date.fromisoformat(today) if today else timezone.now().astimezone(LONDON).date()
    yesterday = day - timedelta(days=1)
    lots = Lot.objects.select_related("contract").filter(
        Q(contract__end__isnull=True) | Q(contract__end__gte=yesterday - timedelta(days=31)),
        contract__start__lte=yesterday,
    )
    queued = 0
    for lot in lots:  # one row per lot, not per visit: the work itself is in the per-lot task
        start, end = period_containing(lot.contract, yesterday)
        if end == yesterday:
            lot_id, period = lot.pk, start.isoformat()
            transaction.on_commit(lambda lot_id=lot_id, period=period: compute_invoice_draft.delay(lot_id, period))
            queued += 1
    return queued


@shared_task(**RETRY)
def compute_invoice_draft(lot_id: int, period_start: str) -> int:
    from reporting.money.services import invoice_compute_draft

    return invoice_compute_draft(lot_id=lot_id, period_start=date.fromisoformat(period_start)).pk


@shared_task(**RETRY)
def render_invoice_pdf(invoice_id: int) -> bool:
    """WeasyPrint in the worker; the stored file is what requests serve."""
    from homecare.lib.pdf import render_pdf
    from reporting.models.money import Invoice
    from reporting.money.display import context
    from reporting.money.services import invoice_store_pdf

    invoice = (
        Invoice.objects.select_related("provider", "commissioner", "contract", "lot").filter(pk=invoice_id).first()
    )
    if invoice is None or invoice.pdf:
        return False
    content = render_pdf("reporting/money/invoice_pdf.html", context(invoice))
    with transaction.atomic():
        invoice_store_pdf(invoice_id=invoice.pk, content=content, rendered_from=invoice)
    return True
