"""Tenancy in one place. Every read of tenant-owned rows goes through `scope_for` (or
`get_for_user`, which turns "not yours" into a 404 exactly like "does not exist").

- A provider user (or token) sees only rows whose `provider` is their organisation.
- A commissioner user (officer or social worker) or token sees only what it commissions
  (docs/decisions.md, "A commissioner sees only what it commissions"):
  - rows under the lots it commissions: a person is under lot n of their contract, and so are their
    packages, visits, attendances, referrals, stays and assessments (`TENANT_LOT`); a lot, its
    rates and invoices name their commissioner directly (`TENANT_COMMISSIONER_FIELD`);
  - contract-wide rows only where it commissions a lot of the contract (`TENANT_CONTRACT_PATH`:
    the contract itself and its weekly returns, whose figures are aggregates);
  - of those, only what the provider has put its name to (`TENANT_COMMISSIONER_SEES`): submitted
    returns and issued invoices, never drafts;
  - nothing else: workers, shifts, absences, training, surveys, events, spend and return runs are
    the provider's own. Commissioners see workforce figures only as the return's aggregates.
- A user with no organisation sees nothing, unless they are a platform superuser.

A model declares how it hangs off a lot or contract with the class attributes above; a model that
declares nothing is invisible to commissioners, so a new table is private until someone decides.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

M = TypeVar("M", bound=models.Model)


def organisation_of(actor):
    """The organisation a user or an API token acts for (None for neither)."""
    return getattr(actor, "organisation", None)


def is_commissioner(actor) -> bool:
    """True for a commissioner's user or token (a platform superuser is neither side)."""
    org = organisation_of(actor)
    return org is not None and not org.is_provider and not getattr(actor, "is_superuser", False)


def scope_for(actor, qs: models.QuerySet[M]) -> models.QuerySet[M]:
    from commissioning.models import Organisation

    if getattr(actor, "is_superuser", False):
        return qs
    org = organisation_of(actor)
    if org is None:
        return qs.none()
    if qs.model is Organisation:
        return qs.filter(Q(pk=org.pk) | Q(pk__in=_counterparts(org)))
    if org.is_provider:
        if not hasattr(qs.model, "provider"):
            return qs.none()
        return qs.filter(provider=org)
    return _commissioned(org, qs)


def _counterparts(org):
    """Organisations seen by name: a provider sees the commissioners of its lots, a commissioner the
    providers of the contracts it commissions a lot of (never another commissioner)."""
    from commissioning.models import Lot

    if org.is_provider:
        return Lot.objects.filter(provider=org).values("commissioner")
    return Lot.objects.filter(commissioner=org).values("provider")


def _commissioned(org, qs: models.QuerySet[M]) -> models.QuerySet[M]:
    from commissioning.models import Lot

    model = qs.model
    direct = getattr(model, "TENANT_COMMISSIONER_FIELD", None)
    by_lot = getattr(model, "TENANT_LOT", None)
    contract_path = getattr(model, "TENANT_CONTRACT_PATH", None)
    if direct:  # rows that name their commissioner: lots, rates, invoices
        qs = qs.filter(**{direct: org})
    elif by_lot:  # rows under lot n of a contract: people and everything hanging off them
        contract, number = by_lot
        lots = Lot.objects.filter(contract=OuterRef(contract), number=OuterRef(number), commissioner=org)
        qs = qs.filter(Exists(lots))
    elif contract_path:  # contract-wide rows (the contract, its returns' aggregates)
        contracts = Lot.objects.filter(commissioner=org).values("contract")
        qs = qs.filter(**{"pk__in" if contract_path == "pk" else f"{contract_path}__in": contracts})
    else:
        return qs.none()
    sees = getattr(model, "TENANT_COMMISSIONER_SEES", None)
    return qs.filter(sees) if sees is not None else qs


def get_for_user(actor, qs: models.QuerySet[M] | type[M], **lookup) -> M:
    """The one object matching `lookup` that `actor` may see, else 404 (never 403: no leaking)."""
    if isinstance(qs, type):
        qs = qs._default_manager.all()
    try:
        return scope_for(actor, qs).get(**lookup)
    except (qs.model.DoesNotExist, qs.model.MultipleObjectsReturned, ValueError) as exc:
        raise Http404 from exc
