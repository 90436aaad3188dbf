"""The dashboard as a spreadsheet (CSV or XLSX): one row per provider, contract and lot, the same
numbers as the page and the API. Numbers are written as numbers; text goes through
homecare/lib/exports.py (formula-safe)."""

from __future__ import annotations

import io
from decimal import Decimal

from commissioning.kpis import KPI_NUMBERS
from homecare.lib.exports import csv_writer, xlsx_workbook

from .selectors import KEY_MEASURES, Row

KPI_PARTS = ("numerator", "denominator", "percent", "target", "rag")


def header() -> list[str]:
    cols = [
        "week", "provider", "provider_name", "contract", "neighbourhood", "lot", "commissioner",
        "return_status", "return_due", "return_version", "return_state", "submitted_at",
    ]  # fmt: skip
    for n in KPI_NUMBERS:
        cols += [f"kpi{n}_{part}" for part in KPI_PARTS]
    cols += [key for key, *_ in KEY_MEASURES]
    return cols


def _num(value):
    """Decimal strings ("95.2") as numbers, so a spreadsheet can sum and chart them."""
    if value is None or isinstance(value, int | Decimal):
        return value
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return value


def values(rows: list[Row], week: str) -> list[list]:
    out = []
    for r in rows:
        line = [
            week,
            r.provider.ref,
            r.provider.name,
            r.contract.ref,
            r.contract.neighbourhood.ref,
            r.lot.number,
            r.lot.commissioner.ref,
            r.return_status,
            r.due.strftime("%Y-%m-%d %H:%M"),
            r.version,
            r.state,
            r.first_submitted_at.strftime("%Y-%m-%d %H:%M") if r.first_submitted_at else None,
        ]
        for n in KPI_NUMBERS:
            k = r.kpis[n]
            line += [k.numerator, k.denominator, _num(k.percent), _num(k.target), k.rag]
        line += [_num(r.measures.get(key)) for key, *_ in KEY_MEASURES]
        out.append(line)
    return out


def dashboard_csv(rows: list[Row], week: str) -> str:
    buf = io.StringIO()
    writer = csv_writer(buf, lineterminator="\n")
    writer.writerow(header())
    writer.writerows(values(rows, week))
    return buf.getvalue()


def dashboard_xlsx(rows: list[Row], week: str) -> bytes:
    return xlsx_workbook({f"Dashboard {week}": (header(), values(rows, week))})
