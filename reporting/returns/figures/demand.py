"""Measures 1-5, 10, 11 and KPIs 5-6: packages, their hours, changes and reviews."""

from __future__ import annotations

from .common import ReturnContext, kpi_with_lots, lot_key, q

# The statement (sql/packages.sql) whose jsonb document `shape` reads; compute.py runs it together
# with the other groups' statements.
STATEMENT = "packages"


def shape(raw: dict, ctx: ReturnContext) -> tuple[dict, dict]:
    lots = raw["lots"] or {}
    by_lot = {n: lots.get(str(n), {}) for n in ctx.lots}
    measures = {
        "1": {lot_key(n): {"packages_started": r["started"], "packages_ended": r["ended"]} for n, r in by_lot.items()},
        # Planned weekly hours are stored to 2 places, so their sums need no minute conversion.
        "2": {
            lot_key(n): {"hours_started": q(r["hours_started"], 2), "hours_ended": q(r["hours_ended"], 2)}
            for n, r in by_lot.items()
        },
        "3": {
            lot_key(n): {
                "provider_increases": r["provider_increases"],
                "provider_decreases": r["provider_decreases"],
                "social_worker_increases": r["social_worker_increases"],
                "social_worker_decreases": r["social_worker_decreases"],
                "net_hours": q(r["net_hours"], 2),
            }
            for n, r in by_lot.items()
        },
        "4": {lot_key(n): {"packages_due_review": r["packages_due_review"]} for n, r in by_lot.items()},
        "5": {
            "people_supported": raw["people_supported"],
            "by_lot": {lot_key(n): {"people_supported": r.get("people_supported", 0)} for n, r in by_lot.items()},
        },
        "10": {
            "care_plan_hours": q(raw["series"][-1]["hours"], 2),
            "by_lot": {lot_key(n): {"care_plan_hours": q(r.get("care_plan_hours", 0), 2)} for n, r in by_lot.items()},
            "weekly_series": [
                {"week_ending": s["last_day"], "care_plan_hours": q(s["hours"], 2)} for s in raw["series"]
            ],
        },
        "11": {"lot1_reviewed_in_time": raw["lot1_reviewed_in_time"]},
    }
    kpis = {
        "5": kpi_with_lots(raw["kpi5"], ctx.targets[5], ctx.lots),
        "6": kpi_with_lots(raw["kpi6"], ctx.targets[6], ctx.lots),
    }
    return measures, kpis
