"""Reads for weekly returns. Every read is scoped to the actor through commissioning.tenancy.

Decision: commissioners see submitted returns only (the rule is the tenancy layer's, declared on
WeeklyReturn). A draft is the provider's working copy until its manager signs it off; what
commissioners pull is what the provider has put its name to. Runs are the provider's own."""

from __future__ import annotations

from datetime import date

from django.db.models import Max, Min, QuerySet

from commissioning.tenancy import get_for_user, scope_for
from homecare.lib.dates import iso_week
from reporting.models.returns import ReturnRun, WeeklyReturn


def _visible(actor) -> QuerySet[WeeklyReturn]:
    return scope_for(actor, WeeklyReturn.objects.select_related("contract", "provider", "submitted_by"))


def return_list(
    *,
    actor,
    provider: str | None = None,
    contract: str | None = None,
    lot: int | None = None,
    week_from: date | None = None,
    week_to: date | None = None,
    status: str | None = None,
    latest_only: bool = False,
) -> QuerySet[WeeklyReturn]:
    """Returns the actor may see, newest week first. `provider`/`contract` are refs; `lot` keeps returns
    of contracts with that lot number; weeks are Mondays (inclusive)."""
    qs = _visible(actor)
    if provider:
        qs = qs.filter(provider__ref=provider)
    if contract:
        qs = qs.filter(contract__ref=contract)
    if lot is not None:
        qs = qs.filter(contract__lots__number=lot).distinct()
    if week_from:
        qs = qs.filter(week_start__gte=week_from)
    if week_to:
        qs = qs.filter(week_start__lte=week_to)
    if status:
        qs = qs.filter(status=status)
    if latest_only:
        # One row per (contract, week): its highest visible version.
        qs = qs.order_by("contract_id", "week_start", "-version").distinct("contract_id", "week_start")
        return WeeklyReturn.objects.filter(pk__in=qs.values("pk")).select_related("contract", "provider")
    return qs.order_by("-week_start", "contract__ref", "-version")


def return_weeks(*, actor) -> tuple[str, str] | None:
    """The first and last week the actor has returns for ("2025-W35", "2025-W39"), for the filters'
    hints; None without any."""
    span = _visible(actor).aggregate(first=Min("week_start"), last=Max("week_start"))
    if span["first"] is None:
        return None
    return iso_week(span["first"]), iso_week(span["last"])


def return_get(*, actor, return_id: int) -> WeeklyReturn:
    """The return, or 404 if the actor may not see it."""
    return get_for_user(actor, _visible(actor), pk=return_id)


def return_versions(*, actor, weekly_return: WeeklyReturn) -> QuerySet[WeeklyReturn]:
    """Every version of the same (contract, week) the actor may see, newest first."""
    return (
        _visible(actor)
        .filter(contract_id=weekly_return.contract_id, week_start=weekly_return.week_start)
        .order_by("-version")
    )


def run_get(*, actor, run_id: int) -> ReturnRun:
    return get_for_user(actor, ReturnRun.objects.select_related("contract", "result"), pk=run_id)


def contracts_for(actor):
    """Contracts the actor may see (for filters and the compute form)."""
    from commissioning.models import Contract

    return scope_for(actor, Contract.objects.all()).order_by("ref")


# Columns of a figure's records that name a row under a lot, checked in this order: a record is
# shown to a commissioner only when its first such column names a row that tenancy lets it see.
# Records with none of them (workers, shifts, absences, training, surveys, events, spend) are the
# provider's own: a commissioner sees those figures only as the return's aggregates.
_LOT_COLUMNS = ("person", "package", "lot")
_WORKER_COLUMNS = frozenset({"worker"})


def figure_records(*, actor, weekly_return: WeeklyReturn, figure: str) -> tuple[list[dict], bool]:
    """The records behind one figure of a return the actor can see, as the actor may see them:
    (rows, withheld) where `withheld` says rows were left out because they are not the actor's to
    read. KeyError/LookupError/ValueError for a figure with no records."""
    from commissioning.models import Lot
    from commissioning.tenancy import is_commissioner
    from outcomes.models import Package, Person
    from reporting.returns.compute import figure_records as compute_records

    rows = compute_records(contract_id=weekly_return.contract_id, week_start=weekly_return.week_start, figure=figure)
    if not is_commissioner(actor) or not rows:
        return rows, False
    contract = weekly_return.contract_id
    allowed = {
        "person": set(scope_for(actor, Person.objects.filter(contract_id=contract)).values_list("ref", flat=True)),
        "package": set(
            scope_for(actor, Package.objects.filter(person__contract_id=contract)).values_list("ref", flat=True)
        ),
        "lot": set(scope_for(actor, Lot.objects.filter(contract_id=contract)).values_list("number", flat=True)),
    }
    kept = []
    for row in rows:
        if _WORKER_COLUMNS & row.keys():
            continue
        column = next((c for c in _LOT_COLUMNS if c in row), None)
        if column is not None and row[column] in allowed[column]:
            kept.append(row)
    return kept, len(kept) < len(rows)
