"""KPI 7 (visits completed) and measures 6-8 (outside the home, hospital)."""

from __future__ import annotations

from .common import ReturnContext, hours, kpi_with_lots, lot_key

# The statement (sql/visits.sql) whose jsonb document `shape` reads; compute.py runs it together
# with the other groups' statements.
STATEMENT = "visits"


def shape(raw: dict, ctx: ReturnContext) -> tuple[dict, dict]:
    measures = {
        "6": {
            "hours_outside_home": hours(raw["outside_minutes"]),
            # Not in the spec's shape (more keys may be added): all delivered person-hours of the week.
            "delivered_hours": hours(raw["delivered_minutes"]),
            "by_lot": {
                lot_key(n): {"delivered_hours": hours((raw["delivered_lots"] or {}).get(str(n), 0))} for n in ctx.lots
            },
        },
        "7": {"people_in_hospital": raw["people_in_hospital"]},
        "8": {"hours_free_hospital": hours(raw["hospital_minutes"])},
    }
    return measures, {"7": kpi_with_lots(raw["kpi7"], ctx.targets[7], ctx.lots)}
