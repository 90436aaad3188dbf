"""Measures 14-17 over the 4-week window: travel, spend on staffing, sickness, turnover."""

from __future__ import annotations

from decimal import Decimal

from .common import ReturnContext, hours, percent, q

# The statement (sql/workforce.sql) whose jsonb document `shape` reads; compute.py runs it together
# with the other groups' statements.
STATEMENT = "workforce"


def shape(raw: dict, ctx: ReturnContext) -> tuple[dict, dict]:
    # No attendance inside any shift: nobody recorded the data travel needs (null, not 0).
    has_visits = raw["attendances"] > 0
    contact = Decimal(raw["contact_minutes"])
    m14 = {
        "travel_hours": hours(raw["travel_minutes"]) if has_visits else None,
        "travel_minutes": raw["travel_minutes"] if has_visits else None,
        "staff_contact_hours": hours(contact) if has_visits else None,
        "travel_minutes_per_care_hour": (
            q(Decimal(raw["travel_minutes"]) / (contact / 60), 1) if has_visits and contact else None
        ),
    }
    direct = raw["direct_cost"]
    total = raw["total_spend"]
    m15 = {
        "direct_staffing": q(direct, 2),
        "indirect_staffing": q(raw["indirect_spend"], 2),
        "total_spend": q(total, 2),
        "direct_percent": percent(direct, total) if direct is not None else None,
        "indirect_percent": percent(raw["indirect_spend"], total),
    }
    employed = raw["employed_days"]
    m16 = {
        "sickness_days": raw["sickness_days"] if employed else None,
        "days_employed": employed if employed else None,
        "sickness_percent": percent(raw["sickness_days"], employed),
    }
    first, last = raw["headcount_first"], raw["headcount_last"]
    avg = Decimal(first + last) / 2
    m17 = {
        "leavers": raw["leavers"],
        "average_headcount": q(avg, 1) if avg else None,
        "turnover_percent": percent(raw["leavers"], avg),
        "leavers_12_months": raw["leavers_12m"],
        "staff_in_post": last,
        "rolling_12_month_percent": percent(raw["leavers_12m"], last),
    }
    return {"14": m14, "15": m15, "16": m16, "17": m17}, {}
