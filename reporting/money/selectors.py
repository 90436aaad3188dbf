"""Reads for invoices, scoped through commissioning.tenancy: a provider sees its own invoices (drafts
too); a commissioner sees only issued invoices and credit notes addressed to it."""

from __future__ import annotations

from datetime import date

from django.db.models import Max, Min, QuerySet

from commissioning.models import Lot, Role
from commissioning.tenancy import get_for_user, scope_for
from reporting.models.money import Invoice

VIEW_ROLES = {Role.PROVIDER_MANAGER, Role.COORDINATOR, Role.COMMISSIONER_OFFICER}


def _visible(actor) -> QuerySet[Invoice]:
    # Commissioners: issued invoices addressed to them only (declared on Invoice, applied by tenancy).
    return scope_for(actor, Invoice.objects.select_related("provider", "commissioner", "contract", "lot", "credit_for"))


def invoice_list(
    *,
    actor,
    provider: str | None = None,
    contract: str | None = None,
    lot: int | None = None,
    period: date | None = None,
    status: str | None = None,
    kind: str | None = None,
) -> QuerySet[Invoice]:
    qs = _visible(actor)
    if provider:
        qs = qs.filter(provider__ref=provider)
    if contract:
        qs = qs.filter(contract__ref=contract)
    if lot:
        qs = qs.filter(lot__number=lot)
    if period:
        qs = qs.filter(period_start__lte=period, period_end__gte=period)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-period_start", "provider__ref", "contract__ref", "lot__number", "kind", "number")


def invoice_span(*, actor) -> tuple[date, date] | None:
    """The first and last day the actor's invoices cover, for the filters' hints; None without any."""
    span = _visible(actor).aggregate(first=Min("period_start"), last=Max("period_end"))
    return (span["first"], span["last"]) if span["first"] else None


def invoice_contracts(*, actor) -> list[str]:
    """The refs of the contracts the actor has invoices under, for the contract filter."""
    return sorted(set(_visible(actor).values_list("contract__ref", flat=True)))


def invoice_get(*, actor, pk: int) -> Invoice:
    return get_for_user(actor, _visible(actor), pk=pk)


def lots_for_provider(*, actor) -> QuerySet[Lot]:
    """The lots a provider may compute drafts for."""
    return scope_for(actor, Lot.objects.select_related("contract", "commissioner")).order_by("contract__ref", "number")
