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
Everything is one SQL statement per run: the number of queries does not grow with shifts or visits.
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

PAY_PERIOD_DAYS = 28
SPEED_KMH = "CASE w.travel_mode WHEN 'walk' THEN 5 WHEN 'cycle' THEN 15 WHEN 'public' THEN 15 WHEN 'car' THEN 30 END"

SHIFTS_SQL = f"""
WITH sh AS (
    SELECT s.id, s.ref, s.worker_id, s.start, s."end", s.kind,
           EXTRACT(EPOCH FROM (s."end" - s.start)) / 60 - s.unpaid_break_minutes AS paid_min
    FROM rota_shift s
    JOIN workforce_worker w ON w.id = s.worker_id
    LEFT JOIN workforce_team t ON t.id = w.team_id
    WHERE s.provider_id = %(provider_id)s AND s.start >= %(start_ts)s AND s.start < %(end_ts)s
      AND (%(neighbourhood_id)s::bigint IS NULL OR t.neighbourhood_id = %(neighbourhood_id)s::bigint)
),
-- Attendances belong to the care shift whose span holds their check-in.
att AS (
    SELECT sh.id AS shift_id, sh.worker_id, a.check_in, a.check_out, pe.home_lat, pe.home_lon,
           lag(pe.home_lat) OVER win AS prev_lat, lag(pe.home_lon) OVER win AS prev_lon
    FROM sh
    JOIN rota_attendance a ON a.worker_id = sh.worker_id AND a.check_in >= sh.start AND a.check_in < sh."end"
    JOIN rota_visit v ON v.id = a.visit_id
    JOIN outcomes_person pe ON pe.id = v.person_id
    WHERE sh.kind = 'care'
    WINDOW win AS (PARTITION BY sh.id ORDER BY a.check_in, a.id)
),
legs AS (
    SELECT att.shift_id, w.travel_mode, d.km,
           floor(d.km / {SPEED_KMH} * 60 + 0.5)::numeric AS minutes
    FROM att
    JOIN workforce_worker w ON w.id = att.worker_id
    CROSS JOIN LATERAL (
        SELECT 2 * 6371 * asin(sqrt(
                   power(sin(radians(att.home_lat - att.prev_lat) / 2), 2)
                   + cos(radians(att.prev_lat)) * cos(radians(att.home_lat))
                     * power(sin(radians(att.home_lon - att.prev_lon) / 2), 2))) * 1.3 AS km
    ) d
    WHERE att.prev_lat IS NOT NULL AND att.home_lat IS NOT NULL
),
contact AS (
    SELECT shift_id, SUM(EXTRACT(EPOCH FROM (check_out - check_in)) / 60) AS minutes
    FROM att WHERE check_out IS NOT NULL GROUP BY shift_id
),
travel AS (
    SELECT shift_id, SUM(minutes) AS minutes,
           SUM(CASE WHEN travel_mode = 'car' THEN km ELSE 0 END) AS car_km
    FROM legs GROUP BY shift_id
)
SELECT sh.id AS shift_id, sh.ref AS shift, sh.worker_id, sh.start, sh."end", sh.kind,
       sh.paid_min,
       COALESCE(contact.minutes, 0) AS contact_min,
       COALESCE(travel.minutes, 0) AS travel_min,
       CASE WHEN sh.kind = 'training' THEN sh.paid_min ELSE 0 END AS training_min,
       CASE WHEN sh.kind = 'meeting' THEN sh.paid_min ELSE 0 END AS meeting_min,
       COALESCE(travel.car_km, 0)::numeric AS car_km
FROM sh
LEFT JOIN contact ON contact.shift_id = sh.id
LEFT JOIN travel ON travel.shift_id = sh.id
"""

WORKERS_SQL = f"""
WITH s AS ({SHIFTS_SQL}),
per_worker AS (
    SELECT worker_id, COUNT(*) AS shifts, SUM(paid_min) AS paid_min, SUM(contact_min) AS contact_min,
           SUM(travel_min) AS travel_min, SUM(training_min) AS training_min, SUM(meeting_min) AS meeting_min,
           SUM(car_km) AS car_km
    FROM s GROUP BY worker_id
)
SELECT w.id, w.ref, w.name, w.contract_type, w.contracted_weekly_hours, w.pay_rate,
       COALESCE(p.shifts, 0) AS shifts,
       COALESCE(p.paid_min, 0) AS paid_min, COALESCE(p.contact_min, 0) AS contact_min,
       COALESCE(p.travel_min, 0) AS travel_min, COALESCE(p.training_min, 0) AS training_min,
       COALESCE(p.meeting_min, 0) AS meeting_min, COALESCE(p.car_km, 0) AS car_km,
       CASE WHEN w.contract_type = 'guaranteed_hours' AND w.contracted_weekly_hours IS NOT NULL
            THEN GREATEST(0, w.contracted_weekly_hours * %(weeks)s::numeric * 60 - COALESCE(p.paid_min, 0))
            ELSE 0 END AS top_up_min
FROM workforce_worker w
LEFT JOIN per_worker p ON p.worker_id = w.id
LEFT JOIN workforce_team t ON t.id = w.team_id
WHERE w.provider_id = %(provider_id)s
  AND (p.worker_id IS NOT NULL OR (
        w.contract_type = 'guaranteed_hours' AND w.started <= %(last_day)s
        AND (w."left" IS NULL OR w."left" >= %(first_day)s)
        AND (%(neighbourhood_id)s::bigint IS NULL OR t.neighbourhood_id = %(neighbourhood_id)s::bigint)))
ORDER BY w.ref COLLATE "C"
"""

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
        cur.execute(WORKERS_SQL, _params(provider_id, first_day, last_day, neighbourhood_id))
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
        cur.execute(
            SHIFTS_SQL + ' ORDER BY sh.start, sh.ref COLLATE "C"',
            _params(provider_id, first_day, last_day, neighbourhood_id),
        )
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
