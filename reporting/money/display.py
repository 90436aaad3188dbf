"""An invoice as a finance office reads it, for its page and its PDF: the line kinds in words, money
as £1,234.56, the dates, the payment terms and the due date, the VAT position and where to pay.
The JSON and CSV keep the stored codes (reporting/money/outputs.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from commissioning.models import DEFAULT_PAYMENT_TERMS_DAYS
from homecare.lib import words as w
from homecare.lib.dates import LONDON
from reporting.models.money import Invoice

LINE_KINDS = {
    "care": "Care hours",
    "short_visit": "Short visits",
    "bank_holiday_uplift": "Bank holiday uplift",
    "hospital_retainer": "Hospital retainer",
    "late_cancellation": "Late cancellation",
    "guarantee_top_up": "Guaranteed hours top-up",
    "credit": "Credit",
    "credit_note": "Credit",
}
EXCEPTION_REASONS = {"missed": "Missed", "short_staffed": "Fewer carers than needed"}
# Homecare is a welfare service supplied by a care provider: exempt from VAT (VAT Act 1994,
# schedule 9, group 7, item 9; HMRC VAT Notice 701/2). Every invoice says so.
VAT_STATEMENT = "VAT: exempt (care services)"


@dataclass(frozen=True)
class Line:
    description: str
    hours: str
    rate: str
    amount: str


def line_kind(kind: str) -> str:
    return LINE_KINDS.get(kind, w.words(kind))


def _rate(kind: str, rate) -> str:
    if rate in (None, ""):
        return ""
    if kind == "bank_holiday_uplift":  # an extra per hour, written to 4 places and used unrounded
        return f"£{w.number(rate)}"
    return w.money(rate)


def lines(data: dict) -> list[Line]:
    out = []
    for line in data.get("lines", []):
        kind = line.get("kind", "")
        description = line_kind(kind)
        if line.get("ref"):
            description += f" {line['ref']}"
        if line.get("reason"):
            description += f": {line['reason']}"
        out.append(
            Line(
                description=description,
                hours=w.number(line.get("hours")) if line.get("hours") not in (None, "") else "",
                rate=_rate(kind, line.get("rate")),
                amount=w.money(line.get("amount")),
            )
        )
    return out


def exceptions(data: dict) -> list[tuple[str, str]]:
    return [(e["visit"], EXCEPTION_REASONS.get(e["reason"], w.words(e["reason"]))) for e in data.get("exceptions", [])]


def issue_date(invoice: Invoice) -> date | None:
    """The invoice's date: the day it was issued (London); a draft has none yet."""
    if invoice.data.get("issue_date"):
        return date.fromisoformat(invoice.data["issue_date"])
    if invoice.issued_at:
        return invoice.issued_at.astimezone(LONDON).date()
    return None


def payment_terms_days(invoice: Invoice) -> int:
    """The terms the invoice was issued on (kept in its data), else the contract's now."""
    days = invoice.data.get("payment_terms_days")
    if days is None:
        days = getattr(invoice.contract, "payment_terms_days", None)
    return DEFAULT_PAYMENT_TERMS_DAYS if days is None else int(days)


def due_date(invoice: Invoice) -> date | None:
    if invoice.data.get("due_date"):
        return date.fromisoformat(invoice.data["due_date"])
    issued = issue_date(invoice)
    return issued + timedelta(days=payment_terms_days(invoice)) if issued else None


def terms_fields(*, contract, issued: date) -> dict:
    """What issuing adds to the invoice's data: its date, the terms and the day it is due."""
    days = contract.payment_terms_days
    return {
        "issue_date": issued.isoformat(),
        "payment_terms_days": days,
        "due_date": (issued + timedelta(days=days)).isoformat(),
    }


def context(invoice: Invoice) -> dict:
    """Everything the page and the PDF show, in words."""
    data = invoice.data
    is_credit = invoice.kind == Invoice.Kind.CREDIT_NOTE
    total = Decimal(str(data.get("total", invoice.total)))
    return {
        "invoice": invoice,
        "data": data,
        "is_draft": invoice.status == Invoice.Status.DRAFT,
        "is_credit": is_credit,
        "title": ("Credit note" if is_credit else "Invoice"),
        "lines": lines(data),
        "total": w.money(total),
        "exceptions": exceptions(data),
        "issue_date": issue_date(invoice),
        "due_date": None if is_credit else due_date(invoice),
        "terms_days": payment_terms_days(invoice),
        "vat": VAT_STATEMENT,
        "seller": invoice.provider,
        "buyer": invoice.commissioner,
        "period_start": date.fromisoformat(data["period_start"]),
        "period_end": date.fromisoformat(data["period_end"]),
    }
