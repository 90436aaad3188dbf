"""A contract's position from its issued invoices: per settlement period and lot, guaranteed hours
against delivered and invoiced hours, retainers, the guarantee top-up, credits, and the spend to date
against the contract's expected value. Drafts are left out: what counts is what has been invoiced.

- guaranteed hours: the lot's expected weekly hours x the period's days / 7 x its guaranteed share
  (its terms as they stand; none when the lot has no guarantee);
- delivered hours: the care and short-visit lines (each attendance as billed);
- invoiced hours: those plus the hospital retainer, late cancellation and guarantee top-up lines (a
  bank-holiday uplift adds money, not hours);
- credits: the credit lines on the invoice (refunds) and the credit notes issued against it;
- net: the invoice's total plus its credit notes; spend to date adds up the nets period by period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from commissioning.models import Contract
from commissioning.tenancy import scope_for
from reporting.models.money import Invoice

ZERO = Decimal("0")
DELIVERED = ("care", "short_visit")
OTHER_HOURS = ("hospital_retainer", "late_cancellation", "guarantee_top_up")


@dataclass
class PeriodRow:
    lot: int
    period_start: date
    period_end: date
    invoice_id: int
    number: str
    guaranteed_hours: Decimal | None
    delivered_hours: Decimal
    invoiced_hours: Decimal
    retainer_hours: Decimal
    retainer_amount: Decimal
    top_up_hours: Decimal
    top_up_amount: Decimal
    credits: Decimal  # negative
    total: Decimal  # the invoice's total (credit lines included)
    credit_notes: Decimal  # negative
    net: Decimal
    spend_to_date: Decimal = ZERO

    @property
    def shortfall(self) -> Decimal | None:
        """Guaranteed hours not reached by invoiced hours before the top-up (what the top-up paid)."""
        if self.guaranteed_hours is None:
            return None
        return max(self.guaranteed_hours - (self.invoiced_hours - self.top_up_hours), ZERO)


@dataclass
class Position:
    contract: Contract
    lots: list  # the visible Lot rows
    rows: list[PeriodRow] = field(default_factory=list)
    all_lots_visible: bool = True

    def total(self, name: str) -> Decimal:
        return sum((getattr(r, name) for r in self.rows), ZERO)

    @property
    def guaranteed_total(self) -> Decimal | None:
        values = [r.guaranteed_hours for r in self.rows if r.guaranteed_hours is not None]
        return sum(values, ZERO) if values else None

    @property
    def spend_to_date(self) -> Decimal:
        return self.total("net")

    @property
    def share_of_expected(self) -> Decimal | None:
        ev = self.contract.expected_value
        if not ev:
            return None
        return (self.spend_to_date * 100 / ev).quantize(Decimal("0.1"))

    def elapsed_share(self, today: date) -> Decimal | None:
        c = self.contract
        if c.end is None:
            return None
        days = (c.end - c.start).days + 1
        done = min(max((today - c.start).days + 1, 0), days)
        return (Decimal(done) * 100 / days).quantize(Decimal("0.1"))


def _hours(lines: list[dict], kinds) -> Decimal:
    return sum((Decimal(str(line.get("hours") or 0)) for line in lines if line["kind"] in kinds), ZERO)


def _amount(lines: list[dict], kinds) -> Decimal:
    return sum((Decimal(str(line["amount"])) for line in lines if line["kind"] in kinds), ZERO)


def contract_position(*, actor, contract: Contract) -> Position:
    """Two queries: the visible lots and the visible issued invoices and credit notes of the contract."""
    invoices = list(
        scope_for(actor, Invoice.objects.filter(contract=contract, status=Invoice.Status.ISSUED))
        .select_related("lot")
        .order_by("period_start", "lot__number", "id")
    )
    all_lots = list(contract.lots.all().order_by("number"))
    org = getattr(actor, "organisation", None)
    if getattr(actor, "is_superuser", False) or (org is not None and org.is_provider):
        lots = all_lots
    else:
        lots = [lt for lt in all_lots if lt.commissioner_id == getattr(org, "pk", None)]
    notes: dict[int, Decimal] = {}
    for inv in invoices:
        if inv.kind == Invoice.Kind.CREDIT_NOTE and inv.credit_for_id:
            notes[inv.credit_for_id] = notes.get(inv.credit_for_id, ZERO) + inv.total
    position = Position(contract=contract, lots=lots, all_lots_visible=len(lots) == len(all_lots))
    for inv in invoices:
        if inv.kind != Invoice.Kind.INVOICE:
            continue
        lines = inv.data.get("lines", [])
        lot = inv.lot
        days = (inv.period_end - inv.period_start).days + 1
        guaranteed = None
        if lot.expected_weekly_hours is not None and lot.guaranteed_share is not None:
            guaranteed = (lot.expected_weekly_hours * days / 7 * lot.guaranteed_share).quantize(Decimal("0.01"))
        delivered = _hours(lines, DELIVERED)
        credit_notes = notes.get(inv.pk, ZERO)
        position.rows.append(
            PeriodRow(
                lot=lot.number,
                period_start=inv.period_start,
                period_end=inv.period_end,
                invoice_id=inv.pk,
                number=inv.number or "",
                guaranteed_hours=guaranteed,
                delivered_hours=delivered,
                invoiced_hours=delivered + _hours(lines, OTHER_HOURS),
                retainer_hours=_hours(lines, ("hospital_retainer",)),
                retainer_amount=_amount(lines, ("hospital_retainer",)),
                top_up_hours=_hours(lines, ("guarantee_top_up",)),
                top_up_amount=_amount(lines, ("guarantee_top_up",)),
                credits=_amount(lines, ("credit",)) + credit_notes,
                total=inv.total,
                credit_notes=credit_notes,
                net=inv.total + credit_notes,
            )
        )
    running = ZERO
    for row in position.rows:
        running += row.net
        row.spend_to_date = running
    return position
