"""Abstract bases shared by the apps' models (the project package itself owns no tables)."""

from __future__ import annotations

from django.db import models


class ProviderOwned(models.Model):
    """A row owned by one provider. The direct FK is redundant for some rows on purpose:
    tenancy filters and per-provider uniqueness of `ref` need it on every table."""

    provider = models.ForeignKey("commissioning.Organisation", on_delete=models.PROTECT, related_name="+")
    ref = models.CharField(max_length=100)

    # How a commissioner reaches this row's contract, for tenancy (None: commissioners see none).
    TENANT_CONTRACT_PATH: str | None = None

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.ref


def unique_ref(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["provider", "ref"], name=f"{name}_unique_ref_per_provider")
