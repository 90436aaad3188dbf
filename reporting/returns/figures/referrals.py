"""KPIs 1-4 (referral conversion and timeliness) and measure 9 (referral to care starting)."""

from __future__ import annotations

from .common import ReturnContext, kpi_with_lots, q

# The statement (sql/referrals.sql) whose jsonb document `shape` reads; compute.py runs it together
# with the other groups' statements.
STATEMENT = "referrals"


def shape(raw: dict, ctx: ReturnContext) -> tuple[dict, dict]:
    kpis = {str(n): kpi_with_lots(raw[f"kpi{n}"], ctx.targets[n], ctx.lots) for n in (1, 2, 3, 4)}
    measures = {
        "9": {
            "cases": [{"referral": c["referral"], "days": q(c["days"], 1)} for c in raw["m9_cases"]],
            "median_days": q(raw["m9_median"], 1),
            "mean_days": q(raw["m9_mean"], 1),
        }
    }
    return measures, kpis
