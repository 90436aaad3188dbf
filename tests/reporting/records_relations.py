"""What the records behind each figure (reporting/returns/figures/sql/records/*.sql, the drill-down on
the return page) add up to, figure by figure: a manager who checks a figure against its records must
find the same number.

`RELATIONS[figure](rows, kpis_or_measure, week_start)` gives pairs (what the records add up to,
what the figure says), each named. Records round each row for display (hours to 2 places, money to
the penny) where the figure sums the exact values: `Near` allows half a unit of the last place per
row (and half for the figure's own rounding), nothing more."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

Pair = tuple[str, Any, Any]
Relation = Callable[[list[dict], dict, date], list[Pair]]


def num(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def total(rows: list[dict], key: str) -> Decimal:
    return sum((num(r[key]) for r in rows if r[key] is not None), Decimal(0))


def total_or_none(rows: list[dict], key: str) -> Decimal | None:
    """None when there are no rows: a figure with no records behind it has no data, not 0."""
    return total(rows, key) if rows else None


def count(rows: list[dict], keep: Callable[[dict], bool] = lambda r: True) -> int:
    return sum(1 for r in rows if keep(r))


def distinct(rows: list[dict], key: str) -> int:
    return len({r[key] for r in rows})


@dataclass(frozen=True)
class Near:
    """A sum of `rows` values each rounded to `places`: equal to a figure within the roundings."""

    value: Decimal | None
    rows: int
    places: int = 2

    def __eq__(self, other) -> bool:
        other = num(other)
        if self.value is None or other is None:
            return self.value is other
        return abs(self.value - other) <= (self.rows + 1) * Decimal(5).scaleb(-self.places - 1)

    def __repr__(self) -> str:
        return f"{self.value} (+/- rounding of {self.rows} rows)"


def near(rows: list[dict], key: str, *, none_when_empty: bool = False) -> Near:
    return Near(total_or_none(rows, key) if none_when_empty else total(rows, key), len(rows))


def kpi(n: int) -> Relation:
    """A KPI's rows: those `counted` are its denominator, those counted and `met` its numerator."""

    def relation(rows, kpis, week):
        k = kpis[str(n)]
        return [
            ("denominator = rows counted", count(rows, lambda r: r["counted"]), k["denominator"]),
            ("numerator = rows counted and met", count(rows, lambda r: r["counted"] and r["met"]), k["numerator"]),
        ]

    return relation


def per_lot(pairs: Callable[[list[dict], dict, date], list[Pair]]) -> Relation:
    """A measure broken down by lot: the relation holds for each lot's rows and `lotN` figures."""

    def relation(rows, measure, week):
        out = []
        for lot_key in (k for k in measure if k.startswith("lot") and k[3:].isdigit()):
            lot_rows = [r for r in rows if r["lot"] == int(lot_key[3:])]
            out += [(f"{lot_key}: {what}", a, b) for what, a, b in pairs(lot_rows, measure[lot_key], week)]
        return out

    return relation


def in_week(day: date | None, week: date) -> bool:
    return day is not None and week <= day <= week + timedelta(days=6)


def events(key: str) -> Relation:
    """Events of one kind in the window: counted, and their titles in order."""
    return lambda rows, m, week: [
        (f"{key} = rows", len(rows), m[key]),
        ("titles = the rows' titles", [r["title"] for r in rows], m["titles"]),
    ]


def _measure_3(rows, lot, week):
    def changes(by: str, up: bool) -> int:
        return count(rows, lambda r: r["by"] == by and (r["net_hours"] > 0 if up else r["net_hours"] < 0))

    return [
        ("provider_increases = provider rows adding hours", changes("provider", True), lot["provider_increases"]),
        ("provider_decreases = provider rows taking hours", changes("provider", False), lot["provider_decreases"]),
        ("social_worker_increases = ...", changes("social_worker", True), lot["social_worker_increases"]),
        ("social_worker_decreases = ...", changes("social_worker", False), lot["social_worker_decreases"]),
        ("net_hours = sum of net hours", total(rows, "net_hours"), num(lot["net_hours"])),
    ]


def _measure_15(rows, m, week):
    shifts = [r for r in rows if r["source"] == "shifts"]
    spend = [r for r in rows if r["source"] == "spend"]
    return [
        (
            "direct_staffing = sum over workers' shifts",
            near(shifts, "direct_staffing", none_when_empty=True),
            m["direct_staffing"],
        ),
        (
            "indirect_staffing = sum over spend rows",
            total_or_none(spend, "indirect_staffing"),
            num(m["indirect_staffing"]),
        ),
        ("total_spend = sum over spend rows", total_or_none(spend, "total_spend"), num(m["total_spend"])),
    ]


def _measure_21(rows, m, week):
    decreases = [r for r in rows if r["decrease"]]
    return [
        ("decreases = rows that decrease", len(decreases), m["decreases"]),
        ("people = people with a decrease", distinct(decreases, "person"), m["people"]),
        (
            "hours_reduced = sum of hours before - after over decreases",
            sum((r["hours_before"] - r["hours_after"] for r in decreases), Decimal(0)),
            num(m["hours_reduced"]),
        ),
        (
            "by_reason = decreases per reason",
            {reason: count(decreases, lambda r, reason=reason: r["reason"] == reason) for reason in m["by_reason"]},
            m["by_reason"],
        ),
    ]


RELATIONS: dict[str, Relation] = {
    **{f"kpi:{n}": kpi(n) for n in range(1, 8)},
    # Packages started or ended in the week, with the planned weekly hours at the start or the end.
    "measure:1": per_lot(
        lambda rows, lot, week: [
            (
                "packages_started = rows starting in the week",
                count(rows, lambda r: in_week(r["start"], week)),
                lot["packages_started"],
            ),
            (
                "packages_ended = rows ending in the week",
                count(rows, lambda r: in_week(r["end"], week)),
                lot["packages_ended"],
            ),
        ]
    ),
    "measure:2": per_lot(
        lambda rows, lot, week: [
            ("hours_started = sum of hours at start", total(rows, "hours_at_start"), num(lot["hours_started"])),
            ("hours_ended = sum of hours at end", total(rows, "hours_at_end"), num(lot["hours_ended"])),
        ]
    ),
    "measure:3": per_lot(_measure_3),
    "measure:4": per_lot(
        lambda rows, lot, week: [
            ("packages_due_review = packages listed", distinct(rows, "package"), lot["packages_due_review"])
        ]
    ),
    "measure:5": lambda rows, m, week: [
        ("people_supported = people listed", distinct(rows, "person"), m["people_supported"])
    ],
    "measure:6": lambda rows, m, week: [
        ("hours_outside_home = sum of person-hours", near(rows, "person_hours"), m["hours_outside_home"])
    ],
    "measure:7": lambda rows, m, week: [
        ("people_in_hospital = people listed", distinct(rows, "person"), m["people_in_hospital"])
    ],
    "measure:8": lambda rows, m, week: [
        ("hours_free_hospital = sum of planned hours", near(rows, "planned_hours"), m["hours_free_hospital"])
    ],
    "measure:9": lambda rows, m, week: [
        (
            "cases = the rows' referrals and days",
            [(r["referral"], str(r["days"])) for r in rows],
            [(c["referral"], c["days"]) for c in m["cases"]],
        )
    ],
    "measure:10": lambda rows, m, week: [
        (
            "care_plan_hours = sum of planned weekly hours",
            total(rows, "planned_weekly_hours"),
            num(m["care_plan_hours"]),
        )
    ],
    "measure:11": lambda rows, m, week: [
        ("lot1_reviewed_in_time = rows in time", count(rows, lambda r: r["in_time"]), m["lot1_reviewed_in_time"])
    ],
    "measure:12": lambda rows, m, week: [
        ("assessed = people listed", len(rows), m["assessed"]),
        (
            "compared = rows with a previous assessment",
            count(rows, lambda r: r["previous_total"] is not None),
            m["compared"],
        ),
        *(
            (f"{p} = rows {p}", count(rows, lambda r, p=p: r["progress"] == p), m[p])
            for p in ("improved", "unchanged", "worse")
        ),
    ],
    "measure:13": events("case_studies"),
    "measure:14": lambda rows, m, week: [
        ("travel_minutes = sum over workers", total_or_none(rows, "travel_minutes"), m["travel_minutes"]),
        (
            "staff_contact_hours = sum over workers",
            near(rows, "contact_hours", none_when_empty=True),
            m["staff_contact_hours"],
        ),
    ],
    "measure:15": _measure_15,
    "measure:16": lambda rows, m, week: [
        ("sickness_days = sum of days in the window", total(rows, "days_in_window"), m["sickness_days"])
    ],
    "measure:17": lambda rows, m, week: [
        ("leavers = rows in the 4-week window", count(rows, lambda r: r["in_4_week_window"]), m["leavers"]),
        ("leavers_12_months = rows", len(rows), m["leavers_12_months"]),
    ],
    "measure:18": lambda rows, m, week: [
        ("surveys = rows", len(rows), m["surveys"]),
        ("responses = sum of responses", total_or_none(rows, "responses"), m["responses"]),
    ],
    "measure:19": lambda rows, m, week: [
        ("training_records = rows", len(rows), m["training_records"]),
        ("training_hours = sum of hours", total(rows, "hours"), num(m["training_hours"])),
        ("staff_trained = workers listed", distinct(rows, "worker"), m["staff_trained"]),
    ],
    "measure:20": lambda rows, m, week: [
        ("surveys = rows", len(rows), m["surveys"]),
        ("responses = sum of responses", total_or_none(rows, "responses"), m["responses"]),
        ("felt_understood = sum", total_or_none(rows, "felt_understood"), m["felt_understood"]),
    ],
    "measure:21": _measure_21,
    "measure:22": events("complaints"),
    "measure:23": events("incidents"),
    "measure:24": lambda rows, m, week: [
        *per_lot(
            lambda lot_rows, lot, week: [
                ("credits = rows", len(lot_rows), lot["credits"]),
                ("amount = sum of amounts", total(lot_rows, "amount"), num(lot["amount"])),
            ]
        )(rows, m, week),
        ("total_amount = sum of amounts", total(rows, "amount"), num(m["total_amount"])),
    ],
    "measure:25": events("community_developments"),
    "measure:26": lambda rows, m, week: [
        ("surveys = rows", len(rows), m["surveys"]),
        ("responses = sum of unpaid carers' responses", total_or_none(rows, "unpaid_carers_responses"), m["responses"]),
        ("well_supported = sum", total_or_none(rows, "unpaid_carers_well_supported"), m["well_supported"]),
    ],
    "measure:27": events("hospital_admissions_avoided"),
    "measure:28": events("pressure_relieved"),
    "measure:29": events("service_gaps"),
}


def records_mismatches(figure: str, rows: list[dict], figures: dict, week: date) -> list[str]:
    """Where `figure`'s records do not add up to it in `figures` (a computed return)."""
    kind, _, n = figure.partition(":")
    part = figures["kpis"] if kind == "kpi" else figures["measures"][n]
    return [
        f"{figure} {what}: records {a!r}, figure {b!r}" for what, a, b in RELATIONS[figure](rows, part, week) if a != b
    ]
