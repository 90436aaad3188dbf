"""Invoices for finance systems: JSON in the spec's shape, CSV of lines, CSV of the visit-level detail."""

from __future__ import annotations

import io
import json

from django.db import transaction

from homecare.lib.dates import LONDON
from homecare.lib.exports import csv_dict_writer, csv_writer
from reporting.models.money import Invoice, InvoiceDetail

LINE_COLUMNS = ["number", "kind", "hours", "rate", "amount", "ref", "reason"]
DETAIL_COLUMNS = [
    "line_kind",
    "rate",
    "visit",
    "planned_start",
    "planned_end",
    "carers_required",
    "status",
    "worker",
    "check_in",
    "check_out",
    "source",
    "minutes",
    "hours",
    "amount",
]


def invoice_json(invoice: Invoice) -> str:
    return json.dumps(invoice.data, indent=1)


def lines_csv(invoice: Invoice) -> str:
    out = io.StringIO()
    writer = csv_dict_writer(out, LINE_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for line in invoice.data["lines"]:
        writer.writerow({"number": invoice.number or "draft", **line})
    writer.writerow({"number": invoice.number or "draft", "kind": "total", "amount": invoice.data["total"]})
    return out.getvalue()


def _num(x) -> str:
    return "" if x is None else format(x.normalize(), "f")


def _local(dt) -> str:
    return dt.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M") if dt else ""


def detail_rows(invoice: Invoice):
    """One row per billed attendance, uplift, retainer or late cancellation, exception, top-up, credit.
    An issued invoice's rows are stored; a draft's are computed now, by writing them in a savepoint
    that is rolled back (one code path for both, and the draft's figures are the data's now)."""
    if invoice.status == Invoice.Status.ISSUED:
        return list(_stored_rows(invoice))
    from reporting.money.invoice_compute import compute_invoice

    with transaction.atomic():
        savepoint = transaction.savepoint()
        _data, details = compute_invoice(lot_id=invoice.lot_id, period_start=invoice.period_start)
        details.insert_into(invoice.pk, invoice.provider_id)
        rows = list(_stored_rows(invoice))
        transaction.savepoint_rollback(savepoint)
    return rows


def _stored_rows(invoice: Invoice):
    qs = (
        InvoiceDetail.objects.filter(invoice=invoice)
        .order_by("line_kind", "visit__planned_start", "visit__ref", "worker__ref", "source")
        .values_list(
            "line_kind",
            "rate",
            "visit__ref",
            "visit__planned_start",
            "visit__planned_end",
            "visit__carers_required",
            "visit__status",
            "worker__ref",
            "attendance__check_in",
            "attendance__check_out",
            "source",
            "minutes",
            "amount",
        )
    )
    for kind, rate, visit, ps, pe, carers, status, worker, cin, cout, source, minutes, amount in qs.iterator(2000):
        yield [
            kind,
            _num(rate),
            visit or "",
            _local(ps),
            _local(pe),
            carers or "",
            status or "",
            worker or "",
            _local(cin),
            _local(cout),
            source,
            _num(minutes),
            "" if minutes is None else round(minutes / 60, 4),
            round(amount, 4),
        ]


def detail_csv(invoice: Invoice, *, name_workers: bool = True) -> str:
    """`name_workers=False` for commissioners: each visit's carers are "carer 1", "carer 2" (enough to
    check a two-handed visit) instead of the provider's worker refs (docs/decisions.md: a commissioner
    sees workforce figures as aggregates, never by worker)."""
    rows = detail_rows(invoice)
    if not name_workers:
        rows = _carers_by_visit(rows)
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(DETAIL_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def _carers_by_visit(rows):
    visit_at, worker_at = DETAIL_COLUMNS.index("visit"), DETAIL_COLUMNS.index("worker")
    numbers: dict[tuple[str, str], int] = {}
    for row in rows:
        if row[worker_at]:
            key = (row[visit_at], row[worker_at])
            numbers.setdefault(key, sum(1 for v, _ in numbers if v == row[visit_at]) + 1)
            row[worker_at] = f"carer {numbers[key]}"
    return rows


def file_stem(invoice: Invoice) -> str:
    return invoice.number or f"draft-{invoice.contract.ref}-lot{invoice.lot.number}-{invoice.period_start}"
