"""An invoice computed from visit data, exactly as docs/spec/invoicing-and-pay.md says.

`compute_invoice(lot_id=..., period_start=...)` returns `(data, details)`: `data` is the invoice in
the spec's JSON shape and `details` the visit-level rows behind its lines (run lazily, so the
service can copy them into InvoiceDetail with one INSERT ... SELECT). It writes nothing.

Which visits belong to an invoice: those of people on the lot's contract whose `lot` is the lot's
number (a person's packages always share that lot in our data), planned to start inside the
period in Europe/London (a visit's date is the London date of its planned start).

Everything per visit or attendance happens in SQL: one statement for the lines and exceptions
(sql/invoice_lines.sql) and one for the visit-level rows (sql/invoice_detail.sql), so the number of
queries does not grow with the number of visits. Minutes stay exact numerics until a
line is priced: a line's amount is its minutes x rate / 60 rounded half up to the penny.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import timezone

from commissioning.models import Lot
from homecare.api_errors import DomainError
from homecare.lib.dates import bank_holidays_between, local_midnight
from homecare.lib.sql import sql_loader
from outcomes.models import Credit
from reporting.money.periods import period_bounds

sql = sql_loader(__file__)

PENNY = Decimal("0.01")
SIXTY = Decimal(60)
# The order lines appear in, as in the spec's example.
LINE_ORDER = [
    "care",
    "short_visit",
    "bank_holiday_uplift",
    "hospital_retainer",
    "late_cancellation",
    "guarantee_top_up",
    "credit",
]
# Statuses under which a visit was called off: attendances on them never bill and they are not
# exceptions (a person's late cancellation or a hospital stay may bill through their own rule).
CALLED_OFF = ("cancelled_by_person", "not_at_home", "hospital", "cancelled_by_provider")


def money(x: Decimal) -> Decimal:
    return x.quantize(PENNY, rounding=ROUND_HALF_UP)


def fmt_rate(kind: str, rate: Decimal) -> str:
    """Uplift rates are extras per hour written to 4 places; other rates to 2."""
    return str(rate.quantize(Decimal("0.0001" if kind == "bank_holiday_uplift" else "0.01"), ROUND_HALF_UP))


def price_line(kind: str, rate: Decimal, minutes: Decimal) -> dict:
    return {
        "kind": kind,
        "hours": str(money(minutes / SIXTY)),
        "rate": fmt_rate(kind, rate),
        "amount": str(money(minutes * rate / SIXTY)),
    }


@dataclass(frozen=True)
class DetailQuery:
    """The visit-level rows behind an invoice's lines, as SQL to run (not rows in memory)."""

    params: dict
    exceptions: list[tuple[int, str, str]]  # (visit_id, visit ref, reason)
    extra_rows: list[dict]  # guarantee top-up and credits: (kind, rate, source, minutes, amount)

    def rows(self) -> list[dict]:
        with connection.cursor() as cur:
            cur.execute(sql("invoice_detail_rows"), self.params)
            cols = [c.name for c in cur.description]
            return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def insert_into(self, invoice_id: int, provider_id: int) -> None:
        """Copy the rows into InvoiceDetail in one statement, plus exceptions, top-up and credits."""
        params = {**self.params, "invoice_id": invoice_id}
        with connection.cursor() as cur:
            cur.execute(sql("invoice_detail_insert"), params)
            # Exceptions, top-up and credits: a handful of rows, still one statement whatever their number.
            extra = [(visit_id, reason, None, "", None, Decimal(0)) for visit_id, _ref, reason in self.exceptions] + [
                (None, r["kind"], r["rate"], r["source"], r["minutes"], r["amount"]) for r in self.extra_rows
            ]
            if extra:
                cols = list(zip(*extra, strict=True))
                cur.execute(
                    sql("invoice_extra_insert"),
                    [invoice_id, provider_id, *[list(c) for c in cols]],
                )


def _params(lot: Lot, start: date, end: date) -> dict:
    contract = lot.contract
    return {
        "provider_id": contract.provider_id,
        "contract_id": contract.pk,
        "lot": lot.number,
        "lot_id": lot.pk,
        "start_ts": local_midnight(start),
        "end_ts": local_midnight(date.fromordinal(end.toordinal() + 1)),
        "bank_holidays": bank_holidays_between(start, end),
        "basis": lot.billing_basis,
        "rounding": lot.rounding_minutes or 1,
        "tolerance": None if lot.billing_basis == "planned" else lot.tolerance_share,
        "short_min": lot.short_visit_minutes if lot.short_visit_rate is not None else None,
        "short_rate": lot.short_visit_rate,
        "bh_multiplier": lot.bank_holiday_multiplier,
        "retainer_share": lot.hospital_retainer_share if lot.hospital_retainer_days else None,
        "retainer_days": lot.hospital_retainer_days,
        "late_share": lot.late_cancel_share if lot.late_cancel_hours is not None else None,
        "late_hours": lot.late_cancel_hours,
        "called_off": list(CALLED_OFF),
        "end_day": end,
    }


def compute_invoice(*, lot_id: int, period_start: date, now: datetime | None = None) -> tuple[dict, DetailQuery]:
    lot = Lot.objects.select_related("contract__provider", "commissioner").get(pk=lot_id)
    contract = lot.contract
    start, end = period_bounds(contract, period_start)
    params = _params(lot, start, end)
    params["now"] = now or timezone.now()

    with connection.cursor() as cur:
        cur.execute(sql("invoice_lines"), params)
        rows = cur.fetchall()
    end_rate = next(row[1] for row in rows if row[0] == "end_rate")
    minutes_by_line: dict[tuple[str, Decimal], Decimal] = {}
    exceptions: list[tuple[int, str, str]] = []

    def add(kind: str, rate: Decimal | None, minutes: Decimal | None) -> None:
        if minutes is None:
            return
        if rate is None:
            raise DomainError([{"path": "rate", "message": f"{lot} has no hourly rate in force on some visit dates"}])
        minutes_by_line[(kind, rate)] = minutes_by_line.get((kind, rate), Decimal(0)) + minutes

    # One row per rate in force during the period (and one, rate NULL, for days before the first).
    for row in rows:
        if row[0] != "rate":
            continue
        (
            _w,
            care_rate,
            care,
            short,
            care_uplift,
            short_uplift,
            retainer,
            late,
            missed_ids,
            missed_refs,
            ss_ids,
            ss_refs,
        ) = row
        add("care", care_rate, care)
        add("short_visit", lot.short_visit_rate, short)
        if lot.bank_holiday_multiplier is not None:
            for rate, uplift in ((care_rate, care_uplift), (lot.short_visit_rate, short_uplift)):
                add("bank_holiday_uplift", None if rate is None else rate * (lot.bank_holiday_multiplier - 1), uplift)
        add("hospital_retainer", care_rate, retainer)
        add("late_cancellation", care_rate, late)
        exceptions += [(v, ref, "missed") for v, ref in zip(missed_ids or [], missed_refs or [], strict=True)]
        exceptions += [(v, ref, "short_staffed") for v, ref in zip(ss_ids or [], ss_refs or [], strict=True)]
    # Sorted by code point (the database's collation would ignore punctuation in refs).
    exceptions.sort(key=lambda e: e[1])

    extra_rows: list[dict] = []

    # Guarantee: exact (unrounded) hours on the volume lines against G% of the expected hours.
    if lot.guaranteed_share is not None and lot.expected_weekly_hours is not None:
        days = (end - start).days + 1
        guaranteed_min = lot.expected_weekly_hours * days / 7 * lot.guaranteed_share * SIXTY
        volume_min = sum(
            (m for (k, _r), m in minutes_by_line.items() if k in LINE_ORDER[:2] + LINE_ORDER[3:5]),
            Decimal(0),
        )
        shortfall = guaranteed_min - volume_min
        if shortfall > 0:
            if end_rate is None:
                raise DomainError([{"path": "rate", "message": f"{lot} has no hourly rate on {end}"}])
            minutes_by_line[("guarantee_top_up", end_rate)] = shortfall
            extra_rows.append(
                {
                    "kind": "guarantee_top_up",
                    "rate": end_rate,
                    "source": "guarantee",
                    "minutes": shortfall,
                    "amount": shortfall * end_rate / SIXTY,
                }
            )

    lines = [
        price_line(kind, rate, minutes)
        for (kind, rate), minutes in sorted(
            minutes_by_line.items(), key=lambda kv: (LINE_ORDER.index(kv[0][0]), kv[0][1])
        )
        if minutes
    ]
    credits = Credit.objects.filter(
        provider_id=contract.provider_id, contract=contract, lot=lot.number, date__range=(start, end)
    ).order_by("date", "ref")
    for credit in credits:
        lines.append({"kind": "credit", "amount": str(-credit.amount), "ref": credit.ref, "reason": credit.reason})
        extra_rows.append(
            {"kind": "credit", "rate": None, "source": credit.ref, "minutes": None, "amount": -credit.amount}
        )

    data = {
        "number": None,
        "provider": contract.provider.ref,
        "contract": contract.ref,
        "lot": lot.number,
        "commissioner": lot.commissioner.ref,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "status": "draft",
        "lines": lines,
        "total": str(sum((Decimal(line["amount"]) for line in lines), Decimal("0.00"))),
        "exceptions": [{"visit": ref, "reason": reason} for _id, ref, reason in exceptions],
    }
    return data, DetailQuery(params=params, exceptions=exceptions, extra_rows=extra_rows)
