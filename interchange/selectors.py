"""Reads of the bundle's own rows (its import jobs), scoped like every other read."""

from __future__ import annotations

from commissioning.tenancy import get_for_user

from .models import BundleImport


def bundle_import_get(*, actor, import_id: int) -> BundleImport:
    """The import job `actor` may see (its own provider's), else 404."""
    return get_for_user(actor, BundleImport, pk=import_id)
