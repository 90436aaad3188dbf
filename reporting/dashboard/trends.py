"""Any KPI or measure of the weekly return over time, per provider (one series per contract), with the
target line, and the capacity chart (measure 10) against each contract's guaranteed volume. Two
queries whatever the number of providers or weeks: the lots, and one figure of every return."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection

from commissioning.kpis import KPI_SHORT, KPI_TITLES
from homecare.lib.dates import iso_week
from homecare.lib.sql import sql_loader
from reporting.returns.outputs import MEASURE_TITLES

from .selectors import submitted_only, visible_lots

sql = sql_loader(__file__)
DEFAULT_WEEKS = 26
MAX_WEEKS = 104


@dataclass(frozen=True)
class Figure:
    key: str  # "kpi:7", "measure:10", "measure:6:delivered_hours"
    label: str
    section: str  # "kpis" or "measures"
    number: int
    value_key: str
    unit: str
    lot_split: str = "none"  # "lotN" (per-lot objects summed for all lots), "by_lot", or "none"


def _catalogue() -> dict[str, Figure]:
    out = {
        f"kpi:{n}": Figure(f"kpi:{n}", f"KPI {n}: {KPI_TITLES[n]}", "kpis", n, "percent", "%", "by_lot")
        for n in KPI_TITLES
    }
    m = [
        (1, "packages_started", "packages", "lotN"),
        (2, "hours_started", "hours", "lotN"),
        (3, "net_hours", "hours", "lotN"),
        (4, "packages_due_review", "packages", "lotN"),
        (5, "people_supported", "people", "by_lot"),
        (6, "hours_outside_home", "hours", "none"),
        (7, "people_in_hospital", "people", "none"),
        (8, "hours_free_hospital", "hours", "none"),
        (9, "median_days", "days (median)", "none"),
        (10, "care_plan_hours", "hours", "by_lot"),
        (11, "lot1_reviewed_in_time", "reviews", "none"),
        (12, "improved_percent", "% improved", "none"),
        (13, "case_studies", "case studies", "none"),
        (14, "travel_minutes_per_care_hour", "minutes per care hour", "none"),
        (15, "direct_percent", "% of spend on direct staffing", "none"),
        (16, "sickness_percent", "% of days", "none"),
        (17, "rolling_12_month_percent", "% rolling 12 months", "none"),
        (18, "mean_score", "mean score (1-5)", "none"),
        (19, "training_hours", "hours", "none"),
        (20, "felt_understood_percent", "%", "none"),
        (21, "people", "people", "none"),
        (22, "complaints", "complaints", "none"),
        (23, "incidents", "incidents", "none"),
        (24, "total_amount", "£", "none"),
        (25, "community_developments", "examples", "none"),
        (26, "well_supported_percent", "%", "none"),
        (27, "hospital_admissions_avoided", "examples", "none"),
        (28, "pressure_relieved", "examples", "none"),
        (29, "service_gaps", "examples", "none"),
    ]
    for n, key, unit, split in m:
        out[f"measure:{n}"] = Figure(
            f"measure:{n}", f"Measure {n}: {MEASURE_TITLES[str(n)]}", "measures", n, key, unit, split
        )
        if n == 6:
            out["measure:6:delivered_hours"] = Figure(
                "measure:6:delivered_hours",
                "Delivered care hours (all visits)",
                "measures",
                6,
                "delivered_hours",
                "hours",
                "by_lot",
            )
    return out


FIGURES = _catalogue()
CAPACITY = "measure:10"


def figure_value(fig: Figure, doc: dict | None, lot: int | None) -> str | None:
    """The figure's value in one return's object for it, for one lot or all (None: no data)."""
    if not doc:
        return None
    if fig.lot_split == "lotN":
        lots = {k: v for k, v in doc.items() if k.startswith("lot") and isinstance(v, dict)}
        if lot is not None:
            return _text((lots.get(f"lot{lot}") or {}).get(fig.value_key))
        values = [v.get(fig.value_key) for v in lots.values() if v.get(fig.value_key) is not None]
        return _text(sum(Decimal(str(v)) for v in values)) if values else None
    if fig.lot_split == "by_lot" and lot is not None:
        by = (doc.get("by_lot") or {}).get(f"lot{lot}")
        if by is not None:
            return _text(by.get(fig.value_key))
        return None
    return _text(doc.get(fig.value_key))


def _text(v) -> str | None:
    return None if v is None else str(v)


@dataclass
class ContractSeries:
    contract_id: int
    label: str
    provider: str
    contract: str
    values: list[str | None]
    targets: list[str | None]
    return_ids: list[int | None]
    guaranteed: str | None = None  # capacity only: guaranteed weekly hours
    expected: str | None = None


@dataclass
class Trend:
    figure: Figure
    weeks: list[date]
    series: list[ContractSeries] = field(default_factory=list)

    @property
    def week_labels(self) -> list[str]:
        return [iso_week(w) for w in self.weeks]

    @property
    def common_targets(self) -> list[str | None] | None:
        """The target each week when every series has the same one (else None: the table shows each)."""
        if self.figure.section != "kpis" or not self.series:
            return None
        out = []
        for i in range(len(self.weeks)):
            values = {s.targets[i] for s in self.series if s.targets[i] is not None}
            if len(values) > 1:
                return None
            out.append(values.pop() if values else None)
        return out


def trend(
    *, actor, figure: Figure, first: date, last: date, lot: int | None = None, provider: str | None = None
) -> Trend:
    lots = list(visible_lots(actor=actor))
    if lot is not None:
        lots = [lt for lt in lots if lt.number == lot]
    if provider:
        lots = [lt for lt in lots if lt.contract.provider.ref == provider]
    contracts: dict[int, list] = {}
    for lt in lots:
        contracts.setdefault(lt.contract_id, []).append(lt)
    weeks = []
    w = first
    while w <= last:
        weeks.append(w)
        w += timedelta(weeks=1)
    rows: dict[tuple[int, date], dict] = {}
    if contracts:
        with connection.cursor() as cur:
            cur.execute(
                sql("trend_returns"),
                {
                    "contracts": list(contracts),
                    "first": first,
                    "last": last,
                    "section": figure.section,
                    "number": str(figure.number),
                    "submitted_only": submitted_only(actor),
                },
            )
            for rid, contract_id, week_start, _status, doc in cur.fetchall():
                rows[(contract_id, week_start)] = {"id": rid, "doc": json.loads(doc) if isinstance(doc, str) else doc}
    providers_with_many = {
        p
        for p in (lt.contract.provider_id for lt in lots)
        if sum(1 for c in contracts.values() if c[0].contract.provider_id == p) > 1
    }
    out = Trend(figure=figure, weeks=weeks)
    for contract_id, its_lots in contracts.items():
        c = its_lots[0].contract
        label = c.provider.name + (f" ({c.ref})" if c.provider_id in providers_with_many else "")
        # A commissioner that commissions one lot of a shared contract sees that lot's figures (and
        # guarantee), not the whole contract's.
        eff_lot = lot if lot is not None else (its_lots[0].number if len(its_lots) == 1 else None)
        values, targets, ids = [], [], []
        for w in weeks:
            r = rows.get((contract_id, w))
            doc = r["doc"] if r else None
            values.append(figure_value(figure, doc, eff_lot))
            target = None
            if figure.section == "kpis" and doc:
                target_doc = (doc.get("by_lot") or {}).get(f"lot{eff_lot}", doc) if eff_lot is not None else doc
                target = target_doc.get("target")
            targets.append(target)
            ids.append(r["id"] if r else None)
        series = ContractSeries(contract_id, label, c.provider.ref, c.ref, values, targets, ids)
        if figure.key == CAPACITY:
            chosen = its_lots
            g = [
                lt.expected_weekly_hours * lt.guaranteed_share
                for lt in chosen
                if lt.expected_weekly_hours is not None and lt.guaranteed_share is not None
            ]
            e = [lt.expected_weekly_hours for lt in chosen if lt.expected_weekly_hours is not None]
            series.guaranteed = str(sum(g, Decimal(0)).quantize(Decimal("0.01"))) if g else None
            series.expected = str(sum(e, Decimal(0)).quantize(Decimal("0.01"))) if e else None
        out.series.append(series)
    out.series.sort(key=lambda s: (s.label, s.contract))
    return out


def figure_choices() -> list[tuple[str, str]]:
    return [(f.key, f.label) for f in FIGURES.values()]


def short_label(fig: Figure) -> str:
    if fig.section == "kpis":
        return f"KPI {fig.number}: {KPI_SHORT[fig.number]}"
    return fig.label
