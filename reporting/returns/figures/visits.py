"""KPI 7 (visits completed) and measures 6-8 (outside the home, hospital)."""

from __future__ import annotations

from .catalogue import KPI_TARGETS
from .common import ReturnContext, hours, kpi_with_lots

# The statement (sql/visits.sql) whose jsonb document `shape` reads; compute.py runs it together
# with the other groups' statements.
STATEMENT = "visits"


def shape(raw: dict, ctx: ReturnContext) -> tuple[dict, dict]:
    measures = {
        "6": {"hours_outside_home": hours(raw["outside_minutes"])},
        "7": {"people_in_hospital": raw["people_in_hospital"]},
        "8": {"hours_free_hospital": hours(raw["hospital_minutes"])},
    }
    return measures, {"7": kpi_with_lots(raw["kpi7"], KPI_TARGETS[7], ctx.lots)}
