"""The dashboard's rows: for a week, every provider, contract and lot the viewer sees, with the
return behind them. A fixed number of queries whatever the number of providers or weeks: the lots,
the returns of the 12 weeks (one statement), the contracts' KPI targets."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from commissioning.kpis import KPI_NUMBERS, targets_in_force
from commissioning.models import Contract, KpiTarget, Lot
from commissioning.tenancy import organisation_of, scope_for
from homecare.lib.dates import LONDON, iso_week
from homecare.lib.sql import sql_loader

from . import rules

sql = sql_loader(__file__)
TREND_WEEKS = 12


def last_complete_week(now: datetime | None = None) -> date:
    """The Monday of the last complete ISO week (London): on a Monday, the week that ended yesterday."""
    today = (now or timezone.now()).astimezone(LONDON).date()
    return today - timedelta(days=today.weekday() + 7)


def visible_lots(*, actor, week_start: date | None = None):
    """Lots the actor's dashboard shows: a commissioner's own lots (those it commissions), a provider's
    lots of its own contracts; with `week_start`, only contracts running in that week."""
    org = organisation_of(actor)
    qs = Lot.objects.select_related("contract", "contract__provider", "contract__neighbourhood", "commissioner")
    if getattr(actor, "is_superuser", False):
        pass
    elif org is None:
        return qs.none()
    elif org.is_provider:
        qs = qs.filter(contract__provider=org)
    else:
        qs = qs.filter(commissioner=org)
    if week_start is not None:
        sunday = week_start + timedelta(days=6)
        qs = qs.filter(contract__start__lte=sunday).filter(
            Q(contract__end__isnull=True) | Q(contract__end__gte=week_start)
        )
    return qs.order_by("contract__provider__name", "contract__ref", "number")


def contracts_by_ref(*, actor, ref: str, provider: str | None = None) -> list:
    """The contracts with this reference the actor may see (a reference is unique per provider only)."""
    qs = scope_for(actor, Contract.objects.filter(ref=ref)).select_related("provider", "neighbourhood")
    if provider:
        qs = qs.filter(provider__ref=provider)
    return list(qs.order_by("provider__name"))


def submitted_only(actor) -> bool:
    """Commissioners see submitted returns only; a provider sees its drafts too."""
    org = organisation_of(actor)
    return not getattr(actor, "is_superuser", False) and (org is None or not org.is_provider)


def returns_by_contract_week(*, contract_ids, first: date, week: date, submitted_only: bool) -> dict:
    """{(contract id, week Monday): row} of the latest visible version, in one statement."""
    if not contract_ids:
        return {}
    with connection.cursor() as cur:
        cur.execute(
            sql("dashboard_returns"),
            {"contracts": list(contract_ids), "first": first, "week": week, "submitted_only": submitted_only},
        )
        cols = [c.name for c in cur.description]
        out = {}
        for values in cur.fetchall():
            row = dict(zip(cols, values, strict=True))
            for key in ("kpis", "measures"):
                if isinstance(row[key], str):
                    row[key] = json.loads(row[key])
            out[(row["contract_id"], row["week_start"])] = row
        return out


@dataclass
class KpiCell:
    number: int
    numerator: int | None
    denominator: int | None
    percent: str | None
    target: str
    rag: str
    trend: list[str | None] = field(default_factory=list)  # percent, oldest week first
    sparkline: str = ""  # the trend drawn (the page only)

    @property
    def number_str(self) -> str:
        return str(self.number)

    def as_dict(self) -> dict:
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "percent": self.percent,
            "target": self.target,
            "rag": self.rag,
        }


@dataclass
class Row:
    lot: Lot
    week_start: date
    due: datetime
    return_status: str
    return_id: int | None
    version: int | None
    state: str | None  # draft or submitted: the version shown
    first_submitted_at: datetime | None
    kpis: dict[int, KpiCell]
    measures: dict[str, str | int | None]

    @property
    def contract(self):
        return self.lot.contract

    @property
    def kpi_cells(self) -> list[KpiCell]:
        return [self.kpis[n] for n in KPI_NUMBERS]

    @property
    def measure_cells(self) -> list[dict]:
        return [
            {"key": key, "label": label, "measure": number, "value": self.measures.get(key)}
            for key, label, number, _, _ in KEY_MEASURES
        ]

    @property
    def provider(self):
        return self.lot.contract.provider


# The key measures of a row: (key, label, measure, the value's key, whether it has a by-lot value).
KEY_MEASURES = (
    ("people_supported", "People supported", "5", "people_supported", True),
    ("care_plan_hours", "Care-plan hours", "10", "care_plan_hours", True),
    ("delivered_hours", "Delivered hours", "6", "delivered_hours", True),
    ("travel_minutes_per_care_hour", "Travel minutes per care hour", "14", "travel_minutes_per_care_hour", False),
    ("sickness_percent", "Sickness %", "16", "sickness_percent", False),
    ("rolling_12_month_turnover", "Turnover, rolling 12 months %", "17", "rolling_12_month_percent", False),
)


def _kpi_of(kpis: dict | None, number: int, lot: int) -> dict | None:
    if not kpis:
        return None
    k = kpis.get(str(number))
    if not k:
        return None
    return (k.get("by_lot") or {}).get(f"lot{lot}", k)


def _measures(measures: dict | None, lot: int) -> dict:
    out: dict[str, str | int | None] = {}
    for key, _, number, value_key, by_lot in KEY_MEASURES:
        m = (measures or {}).get(number) or {}
        if by_lot and f"lot{lot}" in (m.get("by_lot") or {}):
            out[key] = m["by_lot"][f"lot{lot}"].get(value_key)
        else:
            out[key] = m.get(value_key)
    return out


def dashboard_rows(*, actor, week_start: date, now: datetime | None = None) -> list[Row]:
    now = now or timezone.now()
    lots = list(visible_lots(actor=actor, week_start=week_start))
    contract_ids = sorted({lt.contract_id for lt in lots})
    first = week_start - timedelta(weeks=TREND_WEEKS - 1)
    returns = returns_by_contract_week(
        contract_ids=contract_ids, first=first, week=week_start, submitted_only=submitted_only(actor)
    )
    target_rows: dict[int, list] = {}
    for t in KpiTarget.objects.filter(contract_id__in=contract_ids):
        target_rows.setdefault(t.contract_id, []).append(t)
    weeks = [first + timedelta(weeks=i) for i in range(TREND_WEEKS)]
    sunday = week_start + timedelta(days=6)
    rows = []
    for lot in lots:
        contract = lot.contract
        targets = targets_in_force(target_rows.get(contract.pk, []), sunday)
        ret = returns.get((contract.pk, week_start))
        kpis = {}
        for n in KPI_NUMBERS:
            k = _kpi_of(ret["kpis"] if ret else None, n, lot.number)
            target = k["target"] if k else str(Decimal(targets[n]).quantize(Decimal("0.1")))
            trend = []
            for w in weeks:
                past = returns.get((contract.pk, w))
                pk = _kpi_of(past["kpis"] if past else None, n, lot.number)
                trend.append(pk.get("percent") if pk else None)
            kpis[n] = KpiCell(
                number=n,
                numerator=k["numerator"] if k else None,
                denominator=k["denominator"] if k else None,
                percent=k.get("percent") if k else None,
                target=target,
                rag=rules.rag(k["numerator"], k["denominator"], target) if k else "grey",
                trend=trend,
            )
        rows.append(
            Row(
                lot=lot,
                week_start=week_start,
                due=rules.due_end(week_start, contract.return_due_days) - timedelta(seconds=1),
                return_status=rules.return_status(
                    ret["first_submitted_at"] if ret else None,
                    week_start=week_start,
                    return_due_days=contract.return_due_days,
                    now=now,
                ),
                return_id=ret["id"] if ret else None,
                version=ret["version"] if ret else None,
                state=ret["status"] if ret else None,
                first_submitted_at=ret["first_submitted_at"] if ret else None,
                kpis=kpis,
                measures=_measures(ret["measures"] if ret else None, lot.number),
            )
        )
    return rows


def dashboard_document(rows: list[Row], week_start: date) -> dict:
    """The API's and the exports' shape: {"week", "rows": [{"provider", "contract", "lot", "return_status",
    "kpis": {"7": {"numerator", "denominator", "percent", "target", "rag"}}, ...}]}."""
    return {
        "week": iso_week(week_start),
        "rows": [
            {
                "provider": r.provider.ref,
                "provider_name": r.provider.name,
                "contract": r.contract.ref,
                "neighbourhood": r.contract.neighbourhood.ref,
                "lot": r.lot.number,
                "commissioner": r.lot.commissioner.ref,
                "return_status": r.return_status,
                "return_due": r.due.isoformat(),
                "return_id": r.return_id,
                "return_version": r.version,
                "return_state": r.state,
                "submitted_at": r.first_submitted_at.isoformat() if r.first_submitted_at else None,
                "kpis": {str(n): c.as_dict() for n, c in r.kpis.items()},
                "measures": r.measures,
            }
            for r in rows
        ],
    }
