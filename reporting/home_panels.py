"""Reporting's panels on the home page (commissioning/panels.py): the provider manager's return for
last week and the invoices to issue; the commissioner officer's KPIs below target and late or missing
returns, from the dashboard's rows. Each reads through reporting's scoped selectors, in a fixed number
of queries whatever the number of contracts, weeks or invoices."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from commissioning.kpis import KPI_SHORT
from commissioning.models import Role
from commissioning.panels import register_home_panel
from homecare.lib.dates import LONDON, iso_week
from reporting.dashboard import rules
from reporting.dashboard.selectors import dashboard_rows, last_complete_week
from reporting.models.money import Invoice
from reporting.money.selectors import invoice_list
from reporting.returns.selectors import contracts_for, return_list

SHOWN = 6  # rows a panel lists before "and N more"


def _kpis_not_met(figures: dict) -> list[dict]:
    out = []
    for number, k in sorted((figures.get("kpis") or {}).items(), key=lambda kv: int(kv[0])):
        if k.get("met") is False:
            out.append(
                {
                    "number": int(number),
                    "name": KPI_SHORT.get(int(number), ""),
                    "percent": k.get("percent"),
                    "target": k.get("target"),
                }
            )
    return out


def week_return(actor, today: date, now: datetime) -> dict | None:
    """Last week's return per contract running in it: its state, the KPIs it does not meet, when it is
    due and what to do next (compute, sign off, or nothing)."""
    week = last_complete_week(now)
    sunday = week + timedelta(days=6)
    contracts = [c for c in contracts_for(actor) if c.start <= sunday and (c.end is None or c.end >= week)]
    if not contracts:
        return None
    latest: dict[int, object] = {}
    for wr in return_list(actor=actor, week_from=week, week_to=week):  # newest version first
        latest.setdefault(wr.contract_id, wr)
    rows = []
    for c in contracts:
        wr = latest.get(c.pk)
        due_end = rules.due_end(week, c.return_due_days)
        rows.append(
            {
                "contract": c,
                "return": wr,
                "due": (due_end - timedelta(seconds=1)).astimezone(LONDON).date(),
                "overdue": (wr is None or wr.status == "draft") and now >= due_end,
                "not_met": _kpis_not_met(wr.figures) if wr is not None else [],
            }
        )
    return {"week": week, "week_label": iso_week(week), "rows": rows}


def invoices_to_issue(actor, today: date, now: datetime) -> dict | None:
    """Draft invoices (not credit notes) waiting for the manager to issue them, oldest period first."""
    drafts = list(
        invoice_list(actor=actor, status=Invoice.Status.DRAFT, kind=Invoice.Kind.INVOICE).order_by(
            "period_start", "contract__ref", "lot__number"
        )
    )
    total = sum((d.total for d in drafts), Decimal(0))
    return {"count": len(drafts), "total": total, "invoices": drafts[:SHOWN], "more": max(0, len(drafts) - SHOWN)}


def commissioner_attention(actor, today: date, now: datetime) -> dict | None:
    """From last week's dashboard: every KPI in red (more than 5 points below target) and every return
    late or missing, per provider, contract and lot."""
    week = last_complete_week(now)
    rows = dashboard_rows(actor=actor, week_start=week, now=now)
    reds = [
        {"row": r, "kpi": c, "name": KPI_SHORT.get(c.number, "")} for r in rows for c in r.kpi_cells if c.rag == "red"
    ]
    late = [
        {"row": r, "status": rules.STATUS_LABELS[r.return_status]}
        for r in rows
        if r.return_status in ("late", "missing")
    ]
    return {
        "week": week,
        "week_label": iso_week(week),
        "lots": len(rows),
        "reds": reds,
        "late": late,
        "on_time": sum(1 for r in rows if r.return_status == "on_time"),
    }


register_home_panel(
    "week-return",
    roles={Role.PROVIDER_MANAGER},
    template="reporting/home/week_return.html",
    context_fn=week_return,
    order=10,
)
register_home_panel(
    "invoices-to-issue",
    roles={Role.PROVIDER_MANAGER},
    template="reporting/home/invoices_to_issue.html",
    context_fn=invoices_to_issue,
    order=20,
)
register_home_panel(
    "commissioner-attention",
    roles={Role.COMMISSIONER_OFFICER},
    template="reporting/home/commissioner_attention.html",
    context_fn=commissioner_attention,
    order=10,
)
