"""The weekly monitoring return as data, computed in the database.

`compute_return_figures` returns "The return as data" of docs/spec/monitoring-return.md
without `version` and `status` (the returns service stores versions and adds those). The number of
SQL statements is fixed whatever the number of visits, people or workers: one contract look-up,
then one statement holding each group's set-based query as a scalar subquery. Definitions: docs/monitoring-return.md."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction

from commissioning.kpis import DEFAULT_KPI_TARGETS

from .figures import demand, leading, records, referrals, visits, workforce
from .figures.catalogue import MEASURES, is_due
from .figures.common import ReturnContext, run_json_many, run_rows

GROUPS = (demand, referrals, visits, workforce, leading)


def return_context(cursor, *, contract_id: int, week_start: date) -> ReturnContext:
    if week_start.weekday() != 0:
        raise ValueError(f"a reporting week starts on a Monday, not {week_start:%A}")
    rows = run_rows(cursor, "contract", {"contract_id": contract_id, "d6": week_start + timedelta(days=6)})
    if not rows:
        raise LookupError(f"no contract {contract_id}")
    r = rows[0]
    return ReturnContext(
        contract_id=contract_id,
        contract_ref=r["contract_ref"],
        provider_id=r["provider_id"],
        provider_ref=r["provider_ref"],
        contract_start=r["start"],
        lots=tuple(r["lots"] or ()),
        week_start=week_start,
        targets=_targets(r["targets"]),
    )


def _targets(rows) -> dict[int, str]:
    """The contract's targets in force (as the return prints them, "95.0"), defaults for the rest."""
    if isinstance(rows, str):
        rows = json.loads(rows)
    set_ = {int(k): Decimal(v) for k, v in (rows or {}).items()}
    return {n: str(set_.get(n, default).quantize(Decimal("0.1"))) for n, default in DEFAULT_KPI_TARGETS.items()}


def compute_return_figures(*, contract_id: int, week_start: date) -> dict:
    # One transaction: the statements see one snapshot, and the JIT setting stays local to it.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        ctx = return_context(cursor, contract_id=contract_id, week_start=week_start)
        params = ctx.params()
        raw = run_json_many(cursor, tuple(group.STATEMENT for group in GROUPS), params)
    measures: dict[str, dict] = {}
    kpis: dict[str, dict] = {}
    for group, doc in zip(GROUPS, raw, strict=True):
        m, k = group.shape(doc, ctx)
        measures.update(m)
        kpis.update(k)
    week_number = ctx.week_number
    for number in MEASURES:
        measures[str(number)] = {"due": is_due(number, week_number), **measures[str(number)]}
    return {
        "provider": ctx.provider_ref,
        "contract": ctx.contract_ref,
        "week": ctx.week,
        "kpis": {str(n): kpis[str(n)] for n in range(1, 8)},
        "measures": {str(n): measures[str(n)] for n in range(1, 30)},
    }


def figure_records(*, contract_id: int, week_start: date, figure: str) -> list[dict]:
    """The rows behind one figure of the return, e.g. figure="kpi:3" or "measure:9": refs and the
    fields the figure reads, with `counted`/`met` flags for KPIs. KeyError for an unknown figure."""
    records.parse_figure(figure)  # an unknown figure fails before touching the database
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        ctx = return_context(cursor, contract_id=contract_id, week_start=week_start)
        return records.fetch(cursor, ctx, figure)
