"""An invoice computed from visit data, exactly as docs/spec/invoicing-and-pay.md says.

`compute_invoice(lot_id=..., period_start=...)` returns `(data, details)`: `data` is the invoice in
the spec's JSON shape and `details` the visit-level rows behind its lines (run lazily, so the
service can copy them into InvoiceDetail with one INSERT ... SELECT). It writes nothing.

Which visits belong to an invoice: those of people on the lot's contract whose `lot` is the lot's
number (a person's packages always share that lot in our data), planned to start inside the
period in Europe/London (a visit's date is the London date of its planned start).

Everything per visit or attendance happens in one SQL statement (the `DETAIL_SQL` below), so the
number of queries does not grow with the number of visits. Minutes stay exact numerics until a
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
from outcomes.models import Credit
from reporting.money.periods import period_bounds

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

# The visits of the lot and period, their rates, the billed attendances and one `detail` row per
# billed attendance (care / short_visit), per bank-holiday uplift on one, per retainer visit and per
# late cancellation: (kind, rate, visit_id, attendance_id, worker_id, source, minutes).
CTES = """
WITH v AS MATERIALIZED (
    SELECT v.id, v.ref, v.status, v.carers_required, v.planned_start, v.planned_end, v.cancelled_at,
           v.person_id, v.d, v.planned_min, r.hourly_rate AS care_rate,
           v.d = ANY(%(bank_holidays)s::date[]) AS bank_holiday
    FROM (
        SELECT v.*, (v.planned_start AT TIME ZONE 'Europe/London')::date AS d,
               EXTRACT(EPOCH FROM (v.planned_end - v.planned_start)) / 60 AS planned_min
        FROM rota_visit v
        JOIN outcomes_person p ON p.id = v.person_id
        WHERE v.provider_id = %(provider_id)s AND p.contract_id = %(contract_id)s AND p.lot = %(lot)s
          AND v.planned_start >= %(start_ts)s AND v.planned_start < %(end_ts)s
    ) v
    -- Each rate with the day it stops applying, so a visit finds its rate by a range join.
    LEFT JOIN (
        SELECT lr.hourly_rate, lr.effective_from AS from_day,
               COALESCE(lead(lr.effective_from) OVER (ORDER BY lr.effective_from), 'infinity'::date) AS until_day
        FROM commissioning_lotrate lr WHERE lr.lot_id = %(lot_id)s
    ) r ON v.d >= r.from_day AND v.d < r.until_day
),
-- LATERAL: an index lookup per visit of the period, never a walk over the provider's whole history.
att AS MATERIALIZED (
    SELECT a.id, a.visit_id, a.worker_id, EXTRACT(EPOCH FROM (a.check_out - a.check_in)) / 60 AS actual_min
    FROM v
    CROSS JOIN LATERAL (
        SELECT a.id, a.visit_id, a.worker_id, a.check_in, a.check_out FROM rota_attendance a
        WHERE a.visit_id = v.id AND a.check_in IS NOT NULL AND a.check_out IS NOT NULL
        OFFSET 0  -- keeps the planner from turning this back into a merge join over every attendance
    ) a
),
billed AS MATERIALIZED (
    SELECT v.id AS visit_id, att.id AS attendance_id, att.worker_id, v.bank_holiday,
           CASE WHEN v.planned_min < %(short_min)s::numeric THEN 'short_visit' ELSE 'care' END AS kind,
           CASE WHEN v.planned_min < %(short_min)s::numeric THEN %(short_rate)s::numeric
                ELSE v.care_rate END AS rate,
           -- Round to the nearest increment, halves up.
           FLOOR(x.raw_min / %(rounding)s::numeric + 0.5) * %(rounding)s::numeric AS minutes
    FROM v
    JOIN att ON att.visit_id = v.id
    CROSS JOIN LATERAL (
        SELECT CASE
            WHEN %(basis)s = 'planned' THEN v.planned_min
            -- The tolerance: an actual of at least tolerance_share x planned bills as planned.
            WHEN att.actual_min >= %(tolerance)s::numeric * v.planned_min THEN v.planned_min
            WHEN %(basis)s = 'actual' THEN att.actual_min
            ELSE LEAST(att.actual_min, v.planned_min)
        END AS raw_min
    ) x
    WHERE v.status IN ('scheduled', 'completed')
),
detail AS (
    SELECT kind, rate, visit_id, attendance_id, worker_id, '' AS source, minutes FROM billed
    UNION ALL
    SELECT 'bank_holiday_uplift', rate * (%(bh_multiplier)s::numeric - 1), visit_id, attendance_id, worker_id,
           '', minutes
    FROM billed WHERE bank_holiday AND %(bh_multiplier)s::numeric IS NOT NULL
    UNION ALL
    -- Retainer: hospital visits within the first N days of a stay (the admission date is day 1).
    SELECT 'hospital_retainer', v.care_rate, v.id, NULL, NULL, s.ref,
           v.planned_min * v.carers_required * %(retainer_share)s::numeric
    FROM v
    CROSS JOIN LATERAL (
        SELECT hs.ref FROM outcomes_hospitalstay hs
        WHERE hs.person_id = v.person_id
          AND v.d >= (hs.admitted AT TIME ZONE 'Europe/London')::date
          AND v.d < (hs.admitted AT TIME ZONE 'Europe/London')::date + %(retainer_days)s::int
          AND (hs.discharged IS NULL OR v.d <= (hs.discharged AT TIME ZONE 'Europe/London')::date)
        ORDER BY hs.admitted DESC LIMIT 1
    ) s
    WHERE v.status = 'hospital' AND %(retainer_share)s::numeric IS NOT NULL
    UNION ALL
    -- Late cancellation by the person: notice given later than H hours before the planned start.
    SELECT 'late_cancellation', v.care_rate, v.id, NULL, NULL, '',
           v.planned_min * v.carers_required * %(late_share)s::numeric
    FROM v
    WHERE v.status = 'cancelled_by_person' AND %(late_share)s::numeric IS NOT NULL
      AND v.cancelled_at > v.planned_start - %(late_hours)s::float8 * INTERVAL '1 hour'
)
"""

DETAIL_SQL = CTES + "SELECT kind, rate, visit_id, attendance_id, worker_id, source, minutes FROM detail"

# One statement for the lines and the exceptions, with no CTE (materialised), no sort and no hash:
# - The outer rows are the lot's rates, each as the London-midnight instants it is in force between
#   (plus a rate-less span before the first rate, so a visit with no rate is still seen and refused).
#   Each span reads the period's visits by one bitmap scan of the (provider, planned_start) index,
#   keeps those inside the span and sums them in one plain aggregate, so no visit is converted to
#   its London date and nothing is sorted or hashed by rate (a period has one span, two at most).
# - Each visit's completed attendances are rounded and summed by an index look-up on
#   rota_attendance (visit); the sum of per-attendance rounded minutes is what its detail rows add up to.
# - Bank holidays are one multirange of London days, built once; only hospital visits need their
#   London date, for the stay's days.
# - Python turns each span's minutes (care, short, their uplifts, retainer, late cancellation)
#   into priced lines, merging spans that share a rate.
# Missed: not called off, and `missed` or no attendance with both check-in and check-out.
# Short-staffed: some but fewer than `carers_required` distinct workers completed it (COUNT(*)
# counts distinct workers: one attendance per worker per visit is a database constraint). A visit
# still ahead (planned to end after now) with nothing recorded is not yet an exception.
COMPUTE_SQL = """
SELECT 'rate' AS what, s.rate, t.*
FROM (
    SELECT s.rate, GREATEST(s.from_ts, %(start_ts)s) AS lo, LEAST(s.until_ts, %(end_ts)s) AS hi
    FROM (
        SELECT lr.hourly_rate AS rate, lr.effective_from::timestamp AT TIME ZONE 'Europe/London' AS from_ts,
               COALESCE(lead(lr.effective_from) OVER (ORDER BY lr.effective_from), 'infinity'::date)::timestamp
                   AT TIME ZONE 'Europe/London' AS until_ts
        FROM commissioning_lotrate lr WHERE lr.lot_id = %(lot_id)s
        UNION ALL
        SELECT NULL, '-infinity'::timestamptz,
               COALESCE((SELECT MIN(lr.effective_from) FROM commissioning_lotrate lr WHERE lr.lot_id = %(lot_id)s),
                        'infinity'::date)::timestamp AT TIME ZONE 'Europe/London'
    ) s
    WHERE GREATEST(s.from_ts, %(start_ts)s) < LEAST(s.until_ts, %(end_ts)s)
) s
CROSS JOIN (
    SELECT range_agg(tstzrange(b::timestamp AT TIME ZONE 'Europe/London',
                               (b + 1)::timestamp AT TIME ZONE 'Europe/London')) AS days
    FROM unnest(%(bank_holidays)s::date[]) b
) bh
CROSS JOIN LATERAL (
    SELECT SUM(v.billed_min) FILTER (WHERE v.billed AND NOT v.short) AS care_min,
           SUM(v.billed_min) FILTER (WHERE v.billed AND v.short) AS short_min,
           SUM(v.billed_min) FILTER (WHERE v.billed AND NOT v.short AND v.bank_holiday) AS care_uplift_min,
           SUM(v.billed_min) FILTER (WHERE v.billed AND v.short AND v.bank_holiday) AS short_uplift_min,
           SUM(v.planned_min * v.carers_required * %(retainer_share)s::numeric) FILTER (WHERE v.retained) AS retainer_min,
           SUM(v.planned_min * v.carers_required * %(late_share)s::numeric) FILTER (WHERE v.late) AS late_min,
           array_agg(v.id) FILTER (WHERE v.exception = 'missed') AS missed_ids,
           array_agg(v.ref) FILTER (WHERE v.exception = 'missed') AS missed_refs,
           array_agg(v.id) FILTER (WHERE v.exception = 'short_staffed') AS short_staffed_ids,
           array_agg(v.ref) FILTER (WHERE v.exception = 'short_staffed') AS short_staffed_refs
    FROM (
        SELECT v.id, v.ref, v.planned_min, v.carers_required, a.minutes AS billed_min,
               COALESCE(v.planned_min < %(short_min)s::numeric, false) AS short,
               v.status IN ('scheduled', 'completed') AND a.n > 0 AS billed,
               COALESCE(v.planned_start <@ bh.days, false) AS bank_holiday,
               -- Retainer: hospital visits within the first N days of a stay (admission date is day 1).
               CASE WHEN v.status = 'hospital' AND %(retainer_share)s::numeric IS NOT NULL THEN EXISTS (
                   SELECT FROM outcomes_hospitalstay hs
                   CROSS JOIN LATERAL (SELECT (v.planned_start AT TIME ZONE 'Europe/London')::date AS d) vd
                   WHERE hs.person_id = v.person_id
                     AND vd.d >= (hs.admitted AT TIME ZONE 'Europe/London')::date
                     AND vd.d < (hs.admitted AT TIME ZONE 'Europe/London')::date + %(retainer_days)s::int
                     AND (hs.discharged IS NULL OR vd.d <= (hs.discharged AT TIME ZONE 'Europe/London')::date))
               ELSE false END AS retained,
               -- Late cancellation by the person: notice later than H hours before the planned start.
               (v.status = 'cancelled_by_person' AND %(late_share)s::numeric IS NOT NULL
                AND v.cancelled_at > v.planned_start - %(late_hours)s::float8 * INTERVAL '1 hour') IS TRUE AS late,
               CASE WHEN v.status <> ALL(%(called_off)s::text[])
                         AND (v.status = 'missed' OR a.n < v.carers_required)
                         AND NOT (v.status = 'scheduled' AND a.n = 0 AND v.planned_end > %(now)s)
                    THEN CASE WHEN v.status = 'missed' OR a.n = 0 THEN 'missed' ELSE 'short_staffed' END
               END AS exception
        FROM (
            SELECT v.id, v.ref, v.status, v.carers_required, v.planned_start, v.planned_end, v.cancelled_at,
                   v.person_id, EXTRACT(EPOCH FROM (v.planned_end - v.planned_start)) / 60 AS planned_min
            FROM rota_visit v
            JOIN outcomes_person p ON p.id = v.person_id
            WHERE v.provider_id = %(provider_id)s AND p.contract_id = %(contract_id)s AND p.lot = %(lot)s
              AND v.planned_start >= %(start_ts)s AND v.planned_start < %(end_ts)s
              -- The span as a filter, not an index bound: with constant bounds the planner sees how
              -- many visits the period has and reads them with one bitmap scan in heap order.
              AND v.planned_start + INTERVAL '0 s' >= s.lo AND v.planned_start + INTERVAL '0 s' < s.hi
            OFFSET 0  -- planned_min is computed once per visit, not in every expression using it
        ) v
        CROSS JOIN LATERAL (
            SELECT COUNT(*) AS n, SUM(FLOOR(CASE
                    WHEN %(basis)s = 'planned' THEN v.planned_min
                    -- The tolerance: an actual of at least tolerance_share x planned bills as planned.
                    WHEN m.actual_min >= %(tolerance)s::numeric * v.planned_min THEN v.planned_min
                    WHEN %(basis)s = 'actual' THEN m.actual_min
                    ELSE LEAST(m.actual_min, v.planned_min)
                END / %(rounding)s::numeric + 0.5) * %(rounding)s::numeric) AS minutes  -- nearest increment, halves up
            FROM rota_attendance a
            CROSS JOIN LATERAL (SELECT EXTRACT(EPOCH FROM (a.check_out - a.check_in)) / 60 AS actual_min) m
            WHERE a.visit_id = v.id AND a.check_in IS NOT NULL AND a.check_out IS NOT NULL
        ) a
    ) v
) t
UNION ALL
-- The care rate on the period's last day, which prices a guarantee top-up.
SELECT 'end_rate', (SELECT lr.hourly_rate FROM commissioning_lotrate lr
                    WHERE lr.lot_id = %(lot_id)s AND lr.effective_from <= %(end_day)s::date
                    ORDER BY lr.effective_from DESC LIMIT 1),
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
"""


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
            cur.execute(DETAIL_SQL + " ORDER BY 1, 3, 4", self.params)
            cols = [c.name for c in cur.description]
            return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def insert_into(self, invoice_id: int, provider_id: int) -> None:
        """Copy the rows into InvoiceDetail in one statement, plus exceptions, top-up and credits."""
        params = {**self.params, "invoice_id": invoice_id}
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO reporting_invoicedetail "
                "(invoice_id, provider_id, line_kind, rate, visit_id, attendance_id, worker_id, source, minutes, amount) "
                f"SELECT %(invoice_id)s, %(provider_id)s, d.kind, d.rate, d.visit_id, d.attendance_id, d.worker_id, "
                f"d.source, d.minutes, d.minutes * d.rate / 60 FROM ({DETAIL_SQL}) d",
                params,
            )
            # Exceptions, top-up and credits: a handful of rows, still one statement whatever their number.
            extra = [(visit_id, reason, None, "", None, Decimal(0)) for visit_id, _ref, reason in self.exceptions] + [
                (None, r["kind"], r["rate"], r["source"], r["minutes"], r["amount"]) for r in self.extra_rows
            ]
            if extra:
                cols = list(zip(*extra, strict=True))
                cur.execute(
                    "INSERT INTO reporting_invoicedetail (invoice_id, provider_id, line_kind, rate, visit_id, "
                    "attendance_id, worker_id, source, minutes, amount) "
                    "SELECT %s, %s, k, r, v, NULL, NULL, s, m, a FROM unnest("
                    "%s::bigint[], %s::text[], %s::numeric[], %s::text[], %s::numeric[], %s::numeric[]) AS x(v, k, r, s, m, a)",
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
        cur.execute(COMPUTE_SQL, params)
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
