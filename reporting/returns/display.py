"""The return in people's words, for its page, its sign-off page and its PDF: each KPI and measure
with its figures labelled and formatted (money £1,234.56, percentages, yes/no, dates), long lists
(measure 19's care workers, measure 10's weeks, measure 9's referrals) as tables to open, and the
records behind a figure with their columns in words. The JSON and CSV keep the stored names
(reporting/returns/outputs.py); this module only reads the stored figures."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from homecare.lib import words as w
from reporting.models.returns import WeeklyReturn
from reporting.returns.outputs import KPI_TITLES, LOT_KEY, MEASURE_TITLES, return_json

# Every figure key of the return, in the order its page lists them, with its label.
FIGURE_LABELS: dict[str, str] = {
    "packages_started": "Started",
    "packages_ended": "Ended",
    "hours_started": "Started",
    "hours_ended": "Ended",
    "net_hours": "Net change",
    "provider_increases": "Provider increases",
    "provider_decreases": "Provider decreases",
    "social_worker_increases": "Social worker increases",
    "social_worker_decreases": "Social worker decreases",
    "packages_due_review": "Packages due for review",
    "people_supported": "People supported",
    "hours_outside_home": "Care hours outside the home",
    "people_in_hospital": "People in hospital",
    "hours_free_hospital": "Care hours free",
    "mean_days": "Mean days",
    "median_days": "Median days",
    "care_plan_hours": "Care-plan hours",
    "delivered_hours": "Delivered hours",
    "lot1_reviewed_in_time": "Lot 1 reviews completed in time",
    "assessed": "People assessed",
    "compared": "Compared with an earlier assessment",
    "improved": "Improved",
    "unchanged": "Unchanged",
    "worse": "Worse",
    "improved_percent": "Share improved",
    "case_studies": "Case studies",
    "minimum": "Minimum",
    "short": "Fewer than the minimum",
    "travel_minutes": "Travel minutes",
    "travel_hours": "Travel hours",
    "staff_contact_hours": "Staff contact hours",
    "travel_minutes_per_care_hour": "Travel minutes per care hour",
    "total_spend": "Total spend",
    "direct_staffing": "Direct staffing",
    "direct_percent": "Direct staffing share",
    "indirect_staffing": "Indirect staffing",
    "indirect_percent": "Indirect staffing share",
    "sickness_days": "Sickness days",
    "days_employed": "Days employed",
    "sickness_percent": "Sickness rate",
    "leavers": "Leavers in the 4 weeks",
    "average_headcount": "Average headcount",
    "turnover_percent": "Turnover in the 4 weeks",
    "leavers_12_months": "Leavers in 12 months",
    "staff_in_post": "Staff in post",
    "rolling_12_month_percent": "Turnover in 12 months",
    "surveys": "Surveys",
    "responses": "Responses",
    "mean_score": "Mean score (1 to 5)",
    "training_records": "Training records",
    "training_hours": "Training hours",
    "staff": "Staff",
    "staff_trained": "Staff trained",
    "felt_understood": "Felt understood",
    "felt_understood_percent": "Share who felt understood",
    "people": "People",
    "decreases": "Decreases",
    "hours_reduced": "Weekly hours reduced",
    "complaints": "Complaints",
    "incidents": "Incidents",
    "credits": "Credits",
    "amount": "Amount",
    "total_amount": "Total across lots",
    "community_developments": "Community developments",
    "well_supported": "Well supported",
    "well_supported_percent": "Share well supported",
    "hospital_admissions_avoided": "Hospital admissions avoided",
    "pressure_relieved": "Times pressure was taken off",
    "service_gaps": "Gaps in services",
    "titles": "Titles",
}
NUMERIC = re.compile(r"^-?\d+(\.\d+)?$")
MONEY_KEYS = {"total_spend", "direct_staffing", "indirect_staffing", "amount", "total_amount"}
# Lists and nested objects shown as a table behind a summary (NHS.UK details), not inline.
TABLES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "cases": ("Days for each referral", [("referral", "Referral"), ("days", "Days")]),
    "weekly_series": ("Care-plan hours week by week", [("week_ending", "Week ending"), ("care_plan_hours", "Hours")]),
    "by_worker": (
        "Training of each care worker",
        [("worker", "Care worker"), ("courses", "Courses"), ("hours", "Training hours")],
    ),
    "domains": (
        "Change in each domain",
        [
            ("domain", "Domain"),
            ("improved", "Improved"),
            ("unchanged", "Unchanged"),
            ("worse", "Worse"),
            ("net_change", "Net change"),
        ],
    ),
}
DOMAINS = {"wellbeing_independence": "Wellbeing and independence", "home": "Home", "community": "Community"}
KPI_PARTS = {
    "numerator": "met",
    "denominator": "counted",
    "percent": "percent",
    "target": "target",
    "met": "target met",
}


@dataclass
class Cell:
    label: str
    text: str  # "" when the figure has no data
    path: str


@dataclass
class Table:
    summary: str
    headers: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)


@dataclass
class Group:
    lot: str  # "" for figures of the whole contract
    cells: list[Cell] = field(default_factory=list)
    lists: list[tuple[str, list[str]]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def _order(key: str) -> tuple:
    keys = list(FIGURE_LABELS)
    return (keys.index(key), "") if key in keys else (len(keys), key)


def figure_text(key: str, value: Any) -> str:
    """One figure's value as the page shows it; "" for no data."""
    if value is None:
        return ""
    if key in MONEY_KEYS:
        return w.money(value)
    if key.endswith("_percent") or key == "percent":
        return w.percent(value)
    if isinstance(value, str) and NUMERIC.match(value):  # the return stores decimals as strings
        return w.number(value)
    return w.value_text(value)


def _table(key: str, value: Any) -> Table:
    summary, columns = TABLES.get(key, (w.label(key), []))
    if isinstance(value, dict):  # measure 12's domains: one row per domain
        items = [{"domain": DOMAINS.get(k, w.label(k)), **v} for k, v in value.items() if isinstance(v, dict)]
        items.sort(key=lambda r: list(DOMAINS.values()).index(r["domain"]) if r["domain"] in DOMAINS.values() else 9)
    else:
        items = [v for v in value if isinstance(v, dict)]
        summary = f"{summary} ({w.number(len(items))})"
    if not columns:
        names = sorted({k for item in items for k in item})
        columns = [(k, w.label(k)) for k in names]
    rows = [[figure_text(k, item.get(k)) for k, _ in columns] for item in items]
    numeric = {i for i, (k, _) in enumerate(columns) if any(isinstance(item.get(k), int | float) for item in items)}
    numeric |= {i for i, (k, _) in enumerate(columns) if k in ("days", "hours", "care_plan_hours")}
    return Table(summary=summary, headers=[h for _, h in columns], rows=rows, numeric=numeric)


def _fill(group: Group, values: dict, path: str) -> None:
    for key in sorted(values, key=_order):
        value = values[key]
        here = f"{path}.{key}"
        if key in TABLES or (isinstance(value, list) and value and isinstance(value[0], dict)):
            if value:
                group.tables.append(_table(key, value))
            elif isinstance(value, list):
                group.cells.append(Cell(TABLES.get(key, (w.label(key),))[0], "none", here))
        elif isinstance(value, list):
            group.lists.append((FIGURE_LABELS.get(key, w.label(key)), [w.value_text(v) for v in value]))
        elif isinstance(value, dict):  # measure 21's reasons: one figure each
            for k in sorted(value):
                group.cells.append(Cell(w.words(k), figure_text(k, value[k]), f"{here}.{k}"))
        else:
            group.cells.append(Cell(FIGURE_LABELS.get(key, w.label(key)), figure_text(key, value), here))


def measure_rows(wr: WeeklyReturn) -> list[dict]:
    """Each measure: number, title, due, and its groups (the whole contract, then each lot)."""
    measures = wr.figures.get("measures", {})
    out = []
    for n in sorted(measures, key=lambda k: int(k) if str(k).isdigit() else 999):
        m = measures[n] if isinstance(measures[n], dict) else {"value": measures[n]}
        lots: dict[str, dict] = {}
        for key, value in m.items():
            if LOT_KEY.match(str(key)):
                lots.setdefault(key, {}).update(value)
        for key, value in (m.get("by_lot") or {}).items():  # per-lot parts of a whole-contract figure
            lots.setdefault(key, {}).update({k: v for k, v in value.items()})
        plain = {k: v for k, v in m.items() if k not in ("due", "by_lot") and not LOT_KEY.match(str(k))}
        groups = []
        if plain:
            groups.append(Group(lot=""))
            _fill(groups[-1], plain, f"measures.{n}")
        for key in sorted(lots, key=lambda k: int(LOT_KEY.match(k).group(1))):
            groups.append(Group(lot=LOT_KEY.match(key).group(1)))
            _fill(groups[-1], lots[key], f"measures.{n}.{key}")
        out.append(
            {"number": n, "title": MEASURE_TITLES.get(str(n), f"Measure {n}"), "due": m.get("due"), "groups": groups}
        )
    return out


def measures_by_due(wr: WeeklyReturn) -> dict[str, list[dict]]:
    """The page lists the measures due this week; the others (their figures still in the return) wait
    behind a summary, so the page is a screen or two, not eight."""
    rows = measure_rows(wr)
    return {
        "measures_due": [m for m in rows if m["due"] is None or m["due"]],
        "measures_not_due": [m for m in rows if m["due"] is False],
    }


def kpi_rows(wr: WeeklyReturn) -> list[dict]:
    """Each KPI with its figures, and `lots`: the same for each lot of the contract."""
    kpis = wr.figures.get("kpis", {})
    rows = []
    for n in sorted(kpis, key=lambda k: int(k) if str(k).isdigit() else 999):
        k = kpis[n]
        lots = [
            {"lot": LOT_KEY.match(key).group(1), **v}
            for key, v in sorted((k.get("by_lot") or {}).items(), key=lambda kv: kv[0])
            if LOT_KEY.match(key)
        ]
        rows.append({"number": n, "title": KPI_TITLES.get(str(n), f"KPI {n}"), "path": f"kpis.{n}", **k, "lots": lots})
    return rows


def figure_label(path: str) -> str:
    """A figure's path in words: "measures.3.lot1.net_hours" -> "Measure 3, lot 1: net change in weekly
    hours"; "kpis.7.by_lot.lot2.percent" -> "KPI 7, lot 2: percent"."""
    parts = path.split(".")
    if len(parts) < 2 or parts[0] not in ("kpis", "measures"):
        return w.label(path)
    head = f"KPI {parts[1]}" if parts[0] == "kpis" else f"Measure {parts[1]}"
    lot = next((LOT_KEY.match(p).group(1) for p in parts[2:] if LOT_KEY.match(p)), None)
    rest = [p for p in parts[2:] if p != "by_lot" and not LOT_KEY.match(p)]
    if lot:
        head += f", lot {lot}"
    if not rest:
        return head
    key = rest[-1]
    if parts[0] == "kpis":
        name = KPI_PARTS.get(key, w.label(key).lower())
    else:
        name = (FIGURE_LABELS.get(key) or DOMAINS.get(key) or w.label(key)).lower()
        if len(rest) > 1 and rest[-2] in DOMAINS:
            name = f"{DOMAINS[rest[-2]].lower()}, {name}"
        if name.startswith("lot 1 "):
            name = "Lot 1 " + name[6:]
    return f"{head}: {name}"


def change_rows(changes: list[dict] | None) -> list[dict]:
    """What changed since the previous version, in words."""
    out = []
    for c in changes or []:
        key = str(c.get("figure", "")).rsplit(".", 1)[-1]
        out.append(
            {
                "figure": figure_label(str(c.get("figure", ""))),
                "old": figure_text(key, c.get("old")) or "no data",
                "new": figure_text(key, c.get("new")) or "no data",
            }
        )
    return out


def pdf_context(wr: WeeklyReturn) -> dict:
    return {
        "wr": wr,
        "data": return_json(wr),
        "kpis": kpi_rows(wr),
        "measures": measure_rows(wr),
        "changes": change_rows(wr.changes),
        "week_end": wr.week_start + timedelta(days=6),
    }
