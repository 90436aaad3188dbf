"""Reads for weekly returns. Every read is scoped to the actor through commissioning.tenancy.

Decision: commissioners see submitted returns only. A draft is the provider's working copy until
its manager signs it off; what commissioners pull is what the provider has put its name to."""

from __future__ import annotations

from datetime import date

from django.db.models import Max, Min, QuerySet

from commissioning.tenancy import get_for_user, organisation_of, scope_for
from homecare.lib.dates import iso_week
from reporting.models.returns import ReturnRun, WeeklyReturn


def _visible(actor) -> QuerySet[WeeklyReturn]:
    qs = scope_for(actor, WeeklyReturn.objects.select_related("contract", "provider", "submitted_by"))
    org = organisation_of(actor)
    if org is not None and not org.is_provider and not getattr(actor, "is_superuser", False):
        qs = qs.filter(status=WeeklyReturn.Status.SUBMITTED)
    return qs


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
