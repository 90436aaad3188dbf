"""Shared helpers: reading the SQL files, running one statement, rounding and KPI arithmetic."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from homecare.lib.dates import bank_holidays_between, iso_week, local_midnight, week_bounds
from homecare.lib.sql import sql_loader

SQL_DIR = Path(__file__).parent / "sql"
sql = sql_loader(__file__)


def run_json_many(cursor, names: tuple[str, ...], params: dict[str, Any]) -> list[Any]:
    """Run statements whose single row/column is a jsonb document as one (each a scalar subquery of a single SELECT): one round
    trip and one snapshot. Numbers come back exact (Decimal): the documents arrive as text."""
    cursor.execute(combined_sql(names), params)
    return [json.loads(doc, parse_float=Decimal) if isinstance(doc, str) else doc for doc in cursor.fetchone()]


@cache
def combined_sql(names: tuple[str, ...]) -> str:
    return "SELECT " + ",\n".join(f"({sql(name)}) AS {name}" for name in names)


def run_rows(cursor, name: str, params: dict[str, Any]) -> list[dict]:
    cursor.execute(sql(name), params)
    cols = [c.name for c in cursor.description]
    return [dict(zip(cols, row, strict=True)) for row in cursor.fetchall()]


@dataclass(frozen=True)
class ReturnContext:
    """Who and when: the contract's identity and the return's week, plus the derived windows."""

    contract_id: int
    contract_ref: str
    provider_id: int
    provider_ref: str
    contract_start: date
    lots: tuple[int, ...]
    week_start: date
    # Each KPI's target in force on the week's last day, as the return prints it ("95.0").
    targets: dict[int, str] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @property
    def week(self) -> str:
        return iso_week(self.week_start)

    @property
    def week_number(self) -> int:
        """1 for the week holding the contract's start, 2 for the next, ... (0 or less: before it)."""
        first_monday = self.contract_start - timedelta(days=self.contract_start.weekday())
        return (self.week_start - first_monday).days // 7 + 1

    def window_start(self, weeks: int) -> date:
        return self.week_start - timedelta(days=7 * (weeks - 1))

    def params(self) -> dict[str, Any]:
        d0 = self.week_start
        ws, we = week_bounds(d0)
        p: dict[str, Any] = {
            "contract_id": self.contract_id,
            "provider_id": self.provider_id,
            "lots": list(self.lots),
            "d0": d0,
            "d6": d0 + timedelta(days=6),
            "ws": ws,
            "we": we,
            # KPI 2 deadlines can fall up to ~2 weeks after receipt (Christmas + weekend); 60 days
            # either side covers any referral whose deadline falls in the week.
            "holidays": bank_holidays_between(d0 - timedelta(days=60), d0 + timedelta(days=60)),
        }
        for n in (4, 13, 17, 26, 52):
            start = self.window_start(n)
            p[f"w{n}_d0"] = start
            p[f"w{n}_ws"] = local_midnight(start)
        return p


def q(value: Any, places: int) -> str | None:
    """Round half up to `places` decimals and return the string the spec prints."""
    if value is None:
        return None
    exp = Decimal(1).scaleb(-places)
    return str(Decimal(str(value)).quantize(exp, rounding=ROUND_HALF_UP))


def hours(minutes: Any) -> str | None:
    """Minutes (exact) to decimal hours with 2 places."""
    if minutes is None:
        return None
    return q(Decimal(str(minutes)) / Decimal(60), 2)


def percent(numerator: Any, denominator: Any) -> str | None:
    if denominator in (None, 0) or numerator is None:
        return None
    return q(Decimal(str(numerator)) * 100 / Decimal(str(denominator)), 1)


def kpi(numerator: int, denominator: int, target: str) -> dict:
    """Met compares the exact ratio with the target, before rounding; no denominator is no data."""
    t = Decimal(target)
    if not denominator:
        return {"numerator": numerator, "denominator": denominator, "percent": None, "target": target, "met": None}
    return {
        "numerator": numerator,
        "denominator": denominator,
        "percent": percent(numerator, denominator),
        "target": target,
        "met": Decimal(numerator) * 100 >= t * Decimal(denominator),
    }


def kpi_with_lots(raw: dict, target: str, lots: tuple[int, ...]) -> dict:
    """The KPI for the return, plus `by_lot` (the spec's KPIs are "by lot and provider")."""
    per_lot = raw.get("lots") or {}
    out = kpi(raw["num"], raw["den"], target)
    out["by_lot"] = {
        lot_key(n): kpi(per_lot.get(str(n), {}).get("num", 0), per_lot.get(str(n), {}).get("den", 0), target)
        for n in lots
    }
    return out


def lot_key(n: int | str) -> str:
    return f"lot{n}"
