"""Stored returns for dashboard tests: only the parts of the document the dashboard reads, with the
numbers chosen by hand in each test."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from homecare.lib.dates import LONDON, iso_week
from reporting.models.returns import WeeklyReturn

TARGETS = {1: "95.0", 2: "80.0", 3: "80.0", 4: "98.0", 5: "95.0", 6: "75.0", 7: "98.0"}


def pct(num: int, den: int) -> str | None:
    from decimal import ROUND_HALF_UP, Decimal

    if not den:
        return None
    return str((Decimal(num) * 100 / den).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def kpi(num: int, den: int, target: str) -> dict:
    from decimal import Decimal

    met = None if not den else Decimal(num) * 100 >= Decimal(target) * den
    return {"numerator": num, "denominator": den, "percent": pct(num, den), "target": target, "met": met}


def figures(kpis_by_lot: dict[int, dict[int, tuple[int, int]]], *, measures: dict | None = None, targets=None) -> dict:
    """kpis_by_lot: {lot: {kpi: (numerator, denominator)}}; KPIs not given have no data."""
    targets = targets or TARGETS
    out = {}
    for n in range(1, 8):
        by_lot = {}
        tn = td = 0
        for lot, ks in kpis_by_lot.items():
            num, den = ks.get(n, (0, 0))
            by_lot[f"lot{lot}"] = kpi(num, den, targets[n])
            tn, td = tn + num, td + den
        out[str(n)] = kpi(tn, td, targets[n]) | {"by_lot": by_lot}
    return {"kpis": out, "measures": measures or {}}


def stored(contract, week: date, doc: dict, *, status="submitted", version=1, submitted_at: datetime | None = None):
    if status == "submitted" and submitted_at is None:
        # The Tuesday after the week, 10am: on time against the default Wednesday.
        submitted_at = datetime.combine(week + timedelta(days=8), datetime.min.time(), tzinfo=LONDON) + timedelta(
            hours=10
        )
    return WeeklyReturn.objects.create(
        provider=contract.provider,
        contract=contract,
        week=iso_week(week),
        week_start=week,
        version=version,
        status=status,
        figures={"provider": contract.provider.ref, "contract": contract.ref, "week": iso_week(week), **doc},
        submitted_at=submitted_at if status == "submitted" else None,
    )
