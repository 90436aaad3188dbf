"""Finding an organisation from the command line by its ref (refs are unique per kind)."""

from __future__ import annotations

from django.core.management.base import CommandError

from commissioning.models import Organisation


def organisation_by_ref(value: str) -> Organisation:
    """`REF`, or `provider:REF` / `commissioner:REF` when a provider and a commissioner share a ref."""
    kind, _, ref = value.rpartition(":")
    qs = Organisation.objects.filter(ref=ref)
    if kind:
        qs = qs.filter(kind=kind)
    found = list(qs[:2])
    if not found:
        raise CommandError(
            f"No organisation with ref {value!r}. Organisations come from a data bundle (import_bundle) "
            "or the admin (/admin/)."
        )
    if len(found) > 1:
        raise CommandError(
            f"Both a provider and a commissioner have ref {ref!r}: say provider:{ref} or commissioner:{ref}."
        )
    return found[0]
