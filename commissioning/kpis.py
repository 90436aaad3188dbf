"""The seven KPIs of the monitoring return and their default minimum targets.

The defaults are the Leeds CHWS pilot's (scrutiny report, July 2024, Appendix 2). A contract can
set its own target for any KPI from a date on (`KpiTarget`); a KPI it has not set uses the default."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

KPI_NUMBERS = (1, 2, 3, 4, 5, 6, 7)

DEFAULT_KPI_TARGETS: dict[int, Decimal] = {
    1: Decimal("95.0"),
    2: Decimal("80.0"),
    3: Decimal("80.0"),
    4: Decimal("98.0"),
    5: Decimal("95.0"),
    6: Decimal("75.0"),
    7: Decimal("98.0"),
}

KPI_TITLES: dict[int, str] = {
    1: "Referrals converting to service starts",
    2: "Start date agreed within one working day of the brokerage referral",
    3: "Services starting within 72 hours",
    4: "Priority referrals starting within 48 hours",
    5: "People up to date with their provider-led review",
    6: "People with up-to-date outcomes monitoring (Lot 1)",
    7: "Scheduled visits completed",
}

# Short names for table headings and chart legends.
KPI_SHORT: dict[int, str] = {
    1: "Referrals started",
    2: "Start agreed in 1 working day",
    3: "Started in 72 hours",
    4: "Priority started in 48 hours",
    5: "Reviews up to date",
    6: "Outcomes monitoring up to date",
    7: "Visits completed",
}


def targets_in_force(rows, day: date) -> dict[int, Decimal]:
    """Each KPI's target on `day` from a contract's KpiTarget rows (any order): the latest row
    effective on or before the day, else the default."""
    out = dict(DEFAULT_KPI_TARGETS)
    latest: dict[int, date] = {}
    for row in rows:
        if row.effective_from <= day and (row.kpi not in latest or row.effective_from > latest[row.kpi]):
            latest[row.kpi] = row.effective_from
            out[row.kpi] = row.target
    return out
