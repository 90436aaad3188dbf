"""Tenancy in one place. Every read of tenant-owned rows goes through `scope_for` (or
`get_for_user`, which turns "not yours" into a 404 exactly like "does not exist").

- A provider user sees only rows whose `provider` is their organisation.
- A commissioner user (officer or social worker) sees only rows under contracts with a lot their
  organisation commissions, reached through the model's TENANT_CONTRACT_PATH; a model without
  one (workers, shifts, ...) is invisible to commissioners row by row.
- A user with no organisation sees nothing, unless they are a platform superuser.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404

M = TypeVar("M", bound=models.Model)


def organisation_of(actor):
    """The organisation a user or an API token acts for (None for neither)."""
    return getattr(actor, "organisation", None)


def scope_for(actor, qs: models.QuerySet[M]) -> models.QuerySet[M]:
    from commissioning.models import Contract, Lot, Organisation

    if getattr(actor, "is_superuser", False):
        return qs
    org = organisation_of(actor)
    if org is None:
        return qs.none()
    model = qs.model
    if model is Organisation:
        # Organisations see themselves and their counterparts under shared contracts.
        if org.is_provider:
            others = Lot.objects.filter(contract__provider=org).values("commissioner")
        else:
            others = Contract.objects.filter(lots__commissioner=org).values("provider")
        return qs.filter(Q(pk=org.pk) | Q(pk__in=others))
    if org.is_provider:
        if not hasattr(model, "provider"):
            return qs.none()
        return qs.filter(provider=org)
    direct = getattr(model, "TENANT_COMMISSIONER_FIELD", None)
    if direct:  # rows addressed to one commissioner (invoices): only that commissioner
        return qs.filter(**{direct: org})
    path = getattr(model, "TENANT_CONTRACT_PATH", None)
    if path is None:
        return qs.none()
    contracts = Contract.objects.filter(lots__commissioner=org).values("pk")
    key = "pk__in" if path == "pk" else f"{path}__in"
    return qs.filter(**{key: contracts})


def get_for_user(actor, qs: models.QuerySet[M] | type[M], **lookup) -> M:
    """The one object matching `lookup` that `actor` may see, else 404 (never 403: no leaking)."""
    if isinstance(qs, type):
        qs = qs._default_manager.all()
    try:
        return scope_for(actor, qs).get(**lookup)
    except (qs.model.DoesNotExist, qs.model.MultipleObjectsReturned, ValueError) as exc:
        raise Http404 from exc
