"""The return's outputs for machines: JSON in the spec's shape and a flat CSV, with the stored names.
Both read the stored figures: the API, the CSV and the command line give the same numbers. What
the page and the PDF show, in words, is reporting/returns/display.py."""

from __future__ import annotations

import io
import re
from typing import Any

from homecare.lib.exports import csv_writer
from reporting.models.returns import WeeklyReturn

KPI_TITLES = {
    "1": "Referrals converting to service starts",
    "2": "Start date agreed within one working day of the brokerage referral",
    "3": "Services starting within 72 hours",
    "4": "Priority referrals starting within 48 hours",
    "5": "People up to date with their provider-led review",
    "6": "People with up-to-date outcomes monitoring (Lot 1)",
    "7": "Scheduled visits completed",
}

MEASURE_TITLES = {
    "1": "Packages started and ended",
    "2": "Care-plan hours of packages started and ended",
    "3": "Packages whose planned hours changed",
    "4": "Packages due for review",
    "5": "People supported",
    "6": "Delivered care hours outside the home",
    "7": "People not supported because of a hospital stay",
    "8": "Hours free because of hospital stays",
    "9": "Referral to care starting (days)",
    "10": "Total care-plan hours",
    "11": "Lot 1 packages reviewed within timescale",
    "12": "People who made progress towards their wellbeing outcomes",
    "13": "Case studies",
    "14": "Staff travel",
    "15": "Share of spend on direct and indirect staffing",
    "16": "Staff sickness absence",
    "17": "Staff turnover",
    "18": "Job satisfaction and morale",
    "19": "Training received by staff",
    "20": "People and families who feel what matters to them was understood",
    "21": "People whose care was reduced because they became less reliant",
    "22": "Complaints",
    "23": "Reportable incidents",
    "24": "Value of refunds and credits",
    "25": "Collaboration leading to community developments",
    "26": "Unpaid carers who feel well supported",
    "27": "Hospital admissions avoided",
    "28": "Pressure taken off other services",
    "29": "Gaps in services leading to reliance on home care",
}

LOT_KEY = re.compile(r"^lot(\d+)$")


def return_json(wr: WeeklyReturn) -> dict:
    """Exactly "The return as data": the stored figures plus version and status."""
    figures = dict(wr.figures)
    head = {
        "provider": figures.pop("provider", wr.provider.ref),
        "contract": figures.pop("contract", wr.contract.ref),
        "week": figures.pop("week", wr.week),
        "version": wr.version,
        "status": wr.status,
    }
    return {**head, **figures}


def _number_key(k: str) -> tuple:
    return (0, int(k), "") if str(k).isdigit() else (1, 0, str(k))


def csv_rows(wr: WeeklyReturn) -> list[tuple[str, str, str]]:
    """One row per figure: (figure, lot, value). A figure broken down by lot has one row per lot with the
    lot number in its own column and `lotN` taken out of the path, so a spreadsheet can pivot on lot.
    Measure 9's cases are one row per referral, `measures.9.cases[R017].days`. Null is an empty value."""
    data = return_json(wr)
    rows: list[tuple[str, str, str]] = [
        (k, "", _text(data[k])) for k in ("provider", "contract", "week", "version", "status")
    ]

    def walk(value: Any, path: str, lot: str) -> None:
        if isinstance(value, dict):
            for k in sorted(value, key=_number_key):
                m = LOT_KEY.match(str(k))
                if m:
                    walk(value[k], path, m.group(1))
                else:
                    walk(value[k], f"{path}.{k}", lot)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict) and "referral" in item:
                    rest = {k: v for k, v in item.items() if k != "referral"}
                    walk(rest, f"{path}[{item['referral']}]", lot)
                else:
                    walk(item, f"{path}[{i}]", lot)
        else:
            rows.append((path, lot, _text(value)))

    for section in ("kpis", "measures"):
        walk(data.get(section, {}), section, "")
    for k in data:
        if k not in ("provider", "contract", "week", "version", "status", "kpis", "measures"):
            walk(data[k], k, "")
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def return_csv(wr: WeeklyReturn) -> str:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(["figure", "lot", "value"])
    writer.writerows(csv_rows(wr))
    return out.getvalue()
