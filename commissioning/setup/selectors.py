"""Reads of the contract set-up, scoped: a commissioner sees contracts with a lot it commissions and
neighbourhoods it set up or holds a contract in; a provider its own contracts and their neighbourhoods."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from commissioning.models import Contract, Lot, Neighbourhood, Organisation
from commissioning.tenancy import get_for_user, organisation_of, scope_for


def contracts(*, actor) -> QuerySet[Contract]:
    return (
        scope_for(actor, Contract.objects.all())
        .select_related("provider", "neighbourhood")
        .prefetch_related("lots__commissioner")
        .order_by("neighbourhood__name", "ref", "provider__name")
    )


def contract_get(*, actor, pk: int) -> Contract:
    return get_for_user(actor, contracts(actor=actor), pk=pk)


def lots_of(*, actor, contract: Contract) -> QuerySet[Lot]:
    return (
        scope_for(actor, Lot.objects.filter(contract=contract))
        .select_related("commissioner")
        .prefetch_related("rates")
        .order_by("number")
    )


def lot_get(*, actor, pk: int) -> Lot:
    lot = get_for_user(actor, Lot.objects.select_related("contract", "contract__provider", "commissioner"), pk=pk)
    return lot


def neighbourhoods(*, actor) -> QuerySet[Neighbourhood]:
    """A commissioner: those it set up, those it holds a contract in, and those nobody owns (from a
    bundle); a provider: those of its contracts."""
    org = organisation_of(actor)
    qs = Neighbourhood.objects.all()
    if getattr(actor, "is_superuser", False):
        return qs.order_by("name")
    if org is None:
        return qs.none()
    if org.is_provider:
        return qs.filter(contracts__provider=org).distinct().order_by("name")
    # Ones that came in a bundle have no owner: any commissioner may contract in them.
    return (
        qs.filter(Q(commissioner=org) | Q(commissioner__isnull=True) | Q(contracts__lots__commissioner=org))
        .distinct()
        .order_by("name")
    )


def neighbourhood_for_edit(*, actor, pk: int) -> Neighbourhood:
    """One the actor's organisation may change: one it set up, or one from a bundle that it holds a
    contract in (another's neighbourhood is a 404)."""
    org = organisation_of(actor)
    qs = Neighbourhood.objects.all()
    if not getattr(actor, "is_superuser", False):
        if org is None or org.is_provider:
            raise Http404
        qs = qs.filter(Q(commissioner=org) | Q(commissioner__isnull=True, contracts__lots__commissioner=org)).distinct()
    hood = qs.filter(pk=pk).first()
    if hood is None:
        raise Http404
    return hood


def providers(*, actor) -> QuerySet[Organisation]:
    """Providers the actor already knows by name (those of contracts it commissions a lot of); another
    is named by its reference (`provider_by_ref`), so no list shows every provider."""
    return scope_for(actor, Organisation.objects.filter(kind=Organisation.Kind.PROVIDER)).order_by("name")


def provider_by_ref(ref: str) -> Organisation | None:
    return Organisation.objects.filter(kind=Organisation.Kind.PROVIDER, ref=ref.strip()).first()


def commissioners(*, actor) -> QuerySet[Organisation]:
    """The actor's own organisation: a partner that commissions a lot jointly is named by reference."""
    org = organisation_of(actor)
    return Organisation.objects.filter(pk=getattr(org, "pk", None), kind=Organisation.Kind.COMMISSIONER)


def commissioner_by_ref(ref: str) -> Organisation | None:
    return Organisation.objects.filter(kind=Organisation.Kind.COMMISSIONER, ref=ref.strip()).first()


def history(contract: Contract, limit: int = 200) -> list[dict]:
    """Who changed the contract, its lots, rates and KPI targets, when, from what to what."""
    from pghistory.models import Events

    from commissioning.models import User

    lots = list(contract.lots.all())
    models = (
        "commissioning.ContractEvent",
        "commissioning.LotEvent",
        "commissioning.LotRateEvent",
        "commissioning.KpiTargetEvent",
    )
    # The contract's own events, its lots' and targets' (they point at it), its rates' (at a lot).
    events = list(Events.objects.references(contract).filter(pgh_model__in=models)[:limit])
    if lots:
        events += list(Events.objects.references(*lots).filter(pgh_model__in=models)[:limit])
    unique = {(e.pgh_model, e.pgh_id): e for e in events}
    events = sorted(unique.values(), key=lambda e: (e.pgh_created_at, e.pgh_id), reverse=True)[:limit]
    users = {(e.pgh_context or {}).get("user") for e in events} - {None}
    names = dict(User.objects.filter(pk__in=users).values_list("pk", "email"))
    return [
        {
            "when": e.pgh_created_at,
            "what": e.pgh_model.split(".")[-1].removesuffix("Event"),
            "label": e.pgh_label,
            "who": names.get((e.pgh_context or {}).get("user")) or (e.pgh_context or {}).get("command", "") or "—",
            "changes": sorted((e.pgh_diff or {}).items()),
        }
        for e in events
    ]
