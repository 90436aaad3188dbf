"""Abstract bases shared by the apps' models (the project package itself owns no tables)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class ProviderOwned(models.Model):
    """A row owned by one provider. The direct FK is redundant for some rows on purpose:
    tenancy filters and per-provider uniqueness of `ref` need it on every table."""

    provider = models.ForeignKey("commissioning.Organisation", on_delete=models.PROTECT, related_name="+")
    ref = models.CharField(max_length=100)

    # How a commissioner reaches this row, for tenancy (commissioning/tenancy.py). None of them:
    # commissioners see none of these rows.
    # (contract path, lot number path): the row is under lot n of a contract (people and their rows).
    TENANT_LOT: tuple[str, str] | None = None
    # Path to the organisation the row is addressed to (invoices, lots).
    TENANT_COMMISSIONER_FIELD: str | None = None
    # Path to a contract, for contract-wide rows (the contract itself, its returns).
    TENANT_CONTRACT_PATH: str | None = None
    # Which of those rows a commissioner may read (e.g. submitted returns only); None: all.
    TENANT_COMMISSIONER_SEES: Q | None = None

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.ref


def unique_ref(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["provider", "ref"], name=f"{name}_unique_ref_per_provider")
