"""Block pay: what the provider pays care workers for whole shifts, from the same data as invoices.

Decisions (docs/invoicing-and-pay.md):
- A pay period is four weeks, aligned with the provider's settlement periods (four-weekly from its
  first contract's start) so pay and invoices meet period by period; any start/end may be asked for
  (a one-week run is used in tests), and "weeks" is days / 7.
- A shift belongs to the period its start (London) falls in. Paid = end - start - unpaid break.
- Care shifts: contact = attendances of the worker whose check-in falls inside the shift (those with
  a check-out), staff-hours; travel = the monitoring spec's rule between consecutive attendances of
  the worker inside the shift (haversine x 1.3 at the worker's mode speed, whole minutes half up).
  Training and meeting shifts: all their paid time is training or meeting.
- Gap = paid - contact - travel - training - meeting (not clamped: a negative gap shows bad data).
- Guaranteed-hours top-up (contract_type guaranteed_hours only): contracted weekly hours x weeks
  - paid hours, when positive; a worker employed in the period with no shift gets the full top-up.
- Mileage: travel km (the x 1.3 distance) of workers who travel by car.
- Gross pay = (paid + top-up hours) x the worker's pay rate, to the penny, half up.
Everything is one SQL statement per run (sql/pay_workers.sql, sql/pay_shift_rows.sql): the number of
queries does not grow with shifts or visits.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from commissioning.models import Contract
from homecare.lib.dates import local_midnight
from homecare.lib.exports import csv_writer
from homecare.lib.sql import sql_loader

PAY_PERIOD_DAYS = 28
sql = sql_loader(__file__)

PENNY = Decimal("0.01")


def hours(minutes: Decimal) -> Decimal:
    return (Decimal(minutes) / 60).quantize(PENNY, ROUND_HALF_UP)


@dataclass(frozen=True)
class WorkerPay:
    ref: str
    name: str
    contract_type: str
    pay_rate: Decimal
    shifts: int
    paid_min: Decimal
    contact_min: Decimal
    travel_min: Decimal
    training_min: Decimal
    meeting_min: Decimal
    car_km: Decimal
    top_up_min: Decimal

    @property
    def gap_min(self) -> Decimal:
        return self.paid_min - self.contact_min - self.travel_min - self.training_min - self.meeting_min

    @property
    def efficiency(self) -> Decimal | None:
        return (self.contact_min / self.paid_min).quantize(Decimal("0.001"), ROUND_HALF_UP) if self.paid_min else None

    @property
    def gross_pay(self) -> Decimal:
        return ((self.paid_min + self.top_up_min) * self.pay_rate / 60).quantize(PENNY, ROUND_HALF_UP)


@dataclass(frozen=True)
class PayRun:
    first_day: date
    last_day: date
    workers: list[WorkerPay]

    def total(self, field: str) -> Decimal:
        return sum((Decimal(getattr(w, field)) for w in self.workers), Decimal(0))

    @property
    def gross_pay(self) -> Decimal:
        return sum((w.gross_pay for w in self.workers), Decimal("0.00"))

    @property
    def efficiency(self) -> Decimal | None:
        paid = self.total("paid_min")
        return (self.total("contact_min") / paid).quantize(Decimal("0.001"), ROUND_HALF_UP) if paid else None


def _params(provider_id: int, first_day: date, last_day: date, neighbourhood_id: int | None) -> dict:
    return {
        "provider_id": provider_id,
        "start_ts": local_midnight(first_day),
        "end_ts": local_midnight(last_day + timedelta(days=1)),
        "first_day": first_day,
        "last_day": last_day,
        "weeks": Decimal((last_day - first_day).days + 1) / 7,
        "neighbourhood_id": neighbourhood_id,
    }


def pay_run(*, provider_id: int, first_day: date, last_day: date, neighbourhood_id: int | None = None) -> PayRun:
    """Per worker over the period (one query)."""
    with connection.cursor() as cur:
        cur.execute(sql("pay_workers"), _params(provider_id, first_day, last_day, neighbourhood_id))
        rows = cur.fetchall()
    workers = [
        WorkerPay(
            ref=r[1],
            name=r[2],
            contract_type=r[3],
            pay_rate=r[5],
            shifts=r[6],
            paid_min=Decimal(r[7]),
            contact_min=Decimal(r[8]),
            travel_min=Decimal(r[9]),
            training_min=Decimal(r[10]),
            meeting_min=Decimal(r[11]),
            car_km=Decimal(r[12]),
            top_up_min=Decimal(r[13]),
        )
        for r in rows
    ]
    return PayRun(first_day=first_day, last_day=last_day, workers=workers)


def shift_rows(*, provider_id: int, first_day: date, last_day: date, neighbourhood_id: int | None = None) -> list[dict]:
    """Per shift: paid, contact, travel, training, meeting and gap minutes (one query)."""
    with connection.cursor() as cur:
        cur.execute(sql("pay_shift_rows"), _params(provider_id, first_day, last_day, neighbourhood_id))
        cols = [c.name for c in cur.description]
        out = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    for row in out:
        row["gap_min"] = (
            row["paid_min"] - row["contact_min"] - row["travel_min"] - row["training_min"] - row["meeting_min"]
        )
    return out


def pay_period_containing(provider_id: int, day: date) -> tuple[date, date]:
    """The four-week pay period holding `day`, aligned with the provider's first contract's start
    (so pay periods and four-weekly settlement periods coincide); Mondays from 2000 otherwise."""
    first = Contract.objects.filter(provider_id=provider_id).order_by("start").values_list("start", flat=True).first()
    anchor = first or date(2000, 1, 3)
    offset = (day - anchor).days
    start = anchor + timedelta(days=offset - offset % PAY_PERIOD_DAYS)
    return start, start + timedelta(days=PAY_PERIOD_DAYS - 1)


CSV_COLUMNS = [
    "worker_ref",
    "name",
    "contract_type",
    "period_start",
    "period_end",
    "shifts",
    "paid_hours",
    "contact_hours",
    "travel_hours",
    "training_hours",
    "meeting_hours",
    "gap_hours",
    "guaranteed_top_up_hours",
    "mileage_km",
    "pay_rate",
    "gross_pay",
]


def pay_run_csv(run: PayRun) -> str:
    """For payroll software: one row per worker."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(CSV_COLUMNS)
    for w in run.workers:
        writer.writerow(
            [
                w.ref,
                w.name,
                w.contract_type,
                run.first_day.isoformat(),
                run.last_day.isoformat(),
                w.shifts,
                hours(w.paid_min),
                hours(w.contact_min),
                hours(w.travel_min),
                hours(w.training_min),
                hours(w.meeting_min),
                hours(w.gap_min),
                hours(w.top_up_min),
                w.car_km.quantize(Decimal("0.1"), ROUND_HALF_UP),
                w.pay_rate,
                w.gross_pay,
            ]
        )
    return out.getvalue()
