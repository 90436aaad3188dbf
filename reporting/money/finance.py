"""Where the two flows of money meet: per neighbourhood, contract and settlement period, income
invoiced against the direct staffing cost of the block pay behind it.

- Income: per lot, the issued invoice plus its credit notes; where a lot has no issued invoice yet,
  its draft (the row says so); where it has neither, nothing (the row says that too). A commissioner
  sees only what tenancy shows it: the issued invoices of its own lots (never a draft, never another
  commissioner's lot), so its income is partial and the page leaves out income less cost.
- Direct staffing cost: gross block pay (including guaranteed-hours top-ups) of the provider's
  workers in teams of the contract's neighbourhood, over the same dates, x the provider's on-cost
  factor (1 when none is set).
- Cost per contact hour = direct cost / contact hours; efficiency = contact / paid hours; travel
  minutes per care hour = travel minutes / contact hours.
- Break-even efficiency at the contract's rate: each contact hour earns about the hourly rate, so
  income per paid hour = rate x efficiency; cost per paid hour = direct cost / paid hours. They are
  equal at  efficiency* = direct cost / (paid hours x rate).  The rate is the care rate of the
  contract's first lot in force on the period's last day (uplifts and short-visit rates left out).
A fixed handful of queries per contract and period, none per visit or shift.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from commissioning.models import Contract, LotRate
from reporting.models.money import Invoice
from reporting.money.pay import pay_run
from reporting.money.periods import period_containing

PENNY = Decimal("0.01")


def _lots(n: int) -> str:
    return "lot" if n == 1 else "lots"


def _q(x: Decimal | None, places: str) -> Decimal | None:
    return None if x is None else x.quantize(Decimal(places), ROUND_HALF_UP)


@dataclass(frozen=True)
class Finance:
    contract: Contract
    period_start: date
    period_end: date
    income: Decimal
    income_note: str  # "" when every lot has an issued invoice
    gross_pay: Decimal
    on_cost_factor: Decimal
    paid_min: Decimal
    contact_min: Decimal
    travel_min: Decimal
    rate: Decimal | None
    # False for a commissioner: income counts its own lots only, so a margin against the whole
    # contract's staffing cost would mean nothing.
    whole_contract: bool = True

    @property
    def direct_cost(self) -> Decimal:
        return _q(self.gross_pay * self.on_cost_factor, "0.01")

    @property
    def margin(self) -> Decimal:
        return self.income - self.direct_cost

    @property
    def paid_hours(self) -> Decimal:
        return _q(self.paid_min / 60, "0.01")

    @property
    def contact_hours(self) -> Decimal:
        return _q(self.contact_min / 60, "0.01")

    @property
    def efficiency(self) -> Decimal | None:
        return _q(self.contact_min / self.paid_min, "0.001") if self.paid_min else None

    @property
    def cost_per_contact_hour(self) -> Decimal | None:
        return _q(self.gross_pay * self.on_cost_factor * 60 / self.contact_min, "0.01") if self.contact_min else None

    @property
    def travel_minutes_per_care_hour(self) -> Decimal | None:
        return _q(self.travel_min * 60 / self.contact_min, "0.1") if self.contact_min else None

    @property
    def break_even_efficiency(self) -> Decimal | None:
        if not self.paid_min or not self.rate:
            return None
        return _q(self.gross_pay * self.on_cost_factor / (self.paid_min / 60 * self.rate), "0.001")


def contract_finance(*, contract: Contract, day: date, actor=None) -> Finance:
    """The figures of `contract` for the settlement period holding `day`, as `actor` may see them
    (None: everything, for the provider's own commands)."""
    from commissioning.tenancy import is_commissioner, scope_for

    def scoped(qs):
        return qs if actor is None else scope_for(actor, qs)

    start, end = period_containing(contract, day)
    invoices = list(
        scoped(Invoice.objects.filter(contract=contract, period_start=start)).values(
            "lot_id", "kind", "status", "total"
        )
    )
    income = Decimal("0.00")
    drafts = missing = 0
    lot_ids = list(scoped(contract.lots.all()).order_by("number").values_list("pk", flat=True))
    for lot_id in lot_ids:
        mine = [i for i in invoices if i["lot_id"] == lot_id]
        issued = [i["total"] for i in mine if i["status"] == "issued"]
        draft = [i["total"] for i in mine if i["status"] == "draft" and i["kind"] == "invoice"]
        if issued:
            income += sum(issued, Decimal(0))  # the invoice and its (negative) credit notes
        elif draft:
            income += draft[0]
            drafts += 1
        else:
            missing += 1
    note = ", ".join(
        part
        for part in (
            f"{drafts} {_lots(drafts)} from a draft" if drafts else "",
            # A commissioner cannot tell a draft from nothing: drafts are not its to see.
            f"{missing} {_lots(missing)} not yet {'issued' if is_commissioner(actor) else 'computed'}"
            if missing
            else "",
        )
        if part
    )
    run = pay_run(
        provider_id=contract.provider_id, first_day=start, last_day=end, neighbourhood_id=contract.neighbourhood_id
    )
    rate = (
        LotRate.objects.filter(lot_id=lot_ids[0], effective_from__lte=end)
        .order_by("-effective_from")
        .values_list("hourly_rate", flat=True)
        .first()
        if lot_ids
        else None
    )
    return Finance(
        contract=contract,
        period_start=start,
        period_end=end,
        income=income,
        income_note=note,
        gross_pay=run.gross_pay,
        on_cost_factor=contract.provider.on_cost_factor or Decimal(1),
        paid_min=run.total("paid_min"),
        contact_min=run.total("contact_min"),
        travel_min=run.total("travel_min"),
        rate=rate,
        whole_contract=not is_commissioner(actor),
    )


def visible_contracts(actor):
    """Contracts whose finance `actor` may see: a provider its own; a commissioner those it
    commissions a lot of, only where the provider shares its finance with commissioners."""
    from commissioning.tenancy import is_commissioner, scope_for

    qs = scope_for(actor, Contract.objects.select_related("provider", "neighbourhood")).order_by("ref")
    if is_commissioner(actor):
        qs = qs.filter(provider__shares_finance_with_commissioners=True)
    return qs
