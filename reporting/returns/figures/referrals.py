"""KPIs 1-4 (referral conversion and timeliness) and measure 9 (referral to care starting)."""

from __future__ import annotations

from .catalogue import KPI_TARGETS
from .common import ReturnContext, kpi, q, run_json


def fetch(cursor, ctx: ReturnContext, params: dict) -> dict:
    return run_json(cursor, "referrals", params)


def shape(raw: dict, ctx: ReturnContext) -> tuple[dict, dict]:
    kpis = {str(n): kpi(raw[f"kpi{n}"]["num"], raw[f"kpi{n}"]["den"], KPI_TARGETS[n]) for n in (1, 2, 3, 4)}
    measures = {
        "9": {
            "cases": [{"referral": c["referral"], "days": q(c["days"], 1)} for c in raw["m9_cases"]],
            "median_days": q(raw["m9_median"], 1),
            "mean_days": q(raw["m9_mean"], 1),
        }
    }
    return measures, kpis
