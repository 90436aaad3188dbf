"""The records behind a figure in people's words: column headings, values (dates as "Mon 8 Sep 2025
07:30", yes/no, money, codes in words), and the filters and pages a long list needs (KPI 7 lists
every visit of the week: 2,279 on the pilot demo)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from homecare.lib import words as w

COLUMN_LABELS: dict[str, str] = {
    "referral": "Referral",
    "person": "Person",
    "lot": "Lot",
    "received": "Received",
    "decided": "Decided",
    "outcome": "Outcome",
    "deadline": "Deadline",
    "start_agreed": "Start agreed",
    "priority": "Priority",
    "authorised_delay": "Authorised delay",
    "first_delivered_visit": "First delivered visit",
    "first_check_in": "First check-in",
    "packages": "Packages",
    "overdue_reviews": "Overdue reviews",
    "package": "Package",
    "package_start": "Package started",
    "opted_out": "Opted out of outcomes monitoring",
    "latest_assessment": "Latest assessment",
    "visit": "Visit",
    "planned_start": "Planned start",
    "status": "Status",
    "carers_required": "Carers needed",
    "carers_done": "Carers who came",
    "start": "Start",
    "end": "End",
    "hours_at_start": "Weekly hours at start",
    "hours_at_end": "Weekly hours at end",
    "planned_weekly_hours": "Planned weekly hours",
    "review": "Review",
    "kind": "Kind",
    "due": "Due",
    "completed": "Completed",
    "in_time": "In time",
    "why": "Why",
    "assessment": "Assessment",
    "date": "Date",
    "wellbeing_independence": "Wellbeing and independence",
    "home": "Home",
    "community": "Community",
    "total": "Total",
    "previous": "Previous assessment",
    "previous_date": "Previous date",
    "previous_total": "Previous total",
    "progress": "Progress",
    "event": "Event",
    "title": "Title",
    "worker": "Care worker",
    "travel_mode": "Travel mode",
    "shifts": "Shifts",
    "legs": "Journeys between visits",
    "travel_minutes": "Travel minutes",
    "contact_hours": "Contact hours",
    "source": "Source",
    "ref": "Reference",
    "detail": "Detail",
    "indirect_staffing": "Indirect staffing",
    "total_spend": "Total spend",
    "direct_staffing": "Direct staffing",
    "absence": "Absence",
    "days_in_window": "Days in the 4 weeks",
    "started": "Started",
    "left": "Left",
    "leaving_reason": "Reason for leaving",
    "in_4_week_window": "In the 4 weeks",
    "survey": "Survey",
    "responses": "Responses",
    "mean_score": "Mean score",
    "record": "Training record",
    "course": "Course",
    "hours": "Hours",
    "felt_understood": "Felt understood",
    "unpaid_carers_responses": "Unpaid carers who answered",
    "unpaid_carers_well_supported": "Unpaid carers well supported",
    "change": "Change",
    "effective": "Takes effect",
    "reason": "Reason",
    "decision": "Decision",
    "hours_before": "Weekly hours before",
    "hours_after": "Weekly hours after",
    "decrease": "A decrease",
    "by": "By",
    "day": "Day",
    "net_hours": "Net change in weekly hours",
    "credit": "Credit",
    "amount": "Amount",
    "stay": "Hospital stay",
    "admitted": "Admitted",
    "discharged": "Discharged",
    "person_hours": "Person-hours",
    "planned_hours": "Planned hours",
    "days": "Days",
    "counted": "Counted",
    "met": "Met",
}
MONEY_COLUMNS = {"indirect_staffing", "total_spend", "direct_staffing", "amount"}
RECORDS_PER_PAGE = 50
# The KPI records' "show" filter: which rows each choice keeps.
SHOW_CHOICES = [
    ("", "All records"),
    ("counted", "Counted"),
    ("not_met", "Counted and not met"),
    ("not_counted", "Not counted"),
]


# A column of refs (no spaces, none longer than this) or of dates keeps each on one line: a ref broken
# at its hyphens is hard to read. Other text (statuses, reasons) may wrap at its spaces.
NOWRAP_UP_TO = 30
DAY_TEXT = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}(?: \d{2}:\d{2})?")


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    numeric: bool
    nowrap: bool = False


def cell_text(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key in MONEY_COLUMNS:
        return w.money(value)
    if key == "lot" and isinstance(value, int):
        return str(value)
    return w.value_text(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _unbroken(texts) -> bool:
    """Refs and dates (with their times) read as one piece; other text may wrap."""
    return all((" " not in t and len(t) <= NOWRAP_UP_TO) or DAY_TEXT.fullmatch(t) for t in texts)


def columns(records: list[dict]) -> list[Column]:
    if not records:
        return []
    keys = list(records[0].keys())
    return [
        Column(
            key=k,
            heading=COLUMN_LABELS.get(k, w.label(k)),
            numeric=k in MONEY_COLUMNS or (k != "lot" and any(_is_number(r.get(k)) for r in records)),
            nowrap=_unbroken(cell_text(k, r.get(k)) for r in records),
        )
        for k in keys
    ]


def filter_records(records: list[dict], *, show: str = "", lot: str = "") -> list[dict]:
    """Keep the rows a filter asks for: KPI rows by counted/met, any rows by lot."""
    out = records
    if show == "counted":
        out = [r for r in out if r.get("counted")]
    elif show == "not_met":
        out = [r for r in out if r.get("counted") and not r.get("met")]
    elif show == "not_counted":
        out = [r for r in out if "counted" in r and not r.get("counted")]
    if lot:
        out = [r for r in out if str(r.get("lot")) == lot]
    return out


def lots_in(records: list[dict]) -> list[str]:
    return sorted({str(r["lot"]) for r in records if r.get("lot") is not None}, key=lambda s: (len(s), s))


@dataclass(frozen=True)
class RecordCell:
    heading: str
    text: str
    numeric: bool
    nowrap: bool


def rows(records: list[dict], cols: list[Column]) -> list[list[RecordCell]]:
    return [[RecordCell(c.heading, cell_text(c.key, r.get(c.key)), c.numeric, c.nowrap) for c in cols] for r in records]
