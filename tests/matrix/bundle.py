"""Expectations for the data bundle's API.

Import: provider managers and provider tokens (their own provider's data only: an empty body is a
400 that proves the permission check passed); commissioners may not import (403).
Import jobs (a big upload the worker imports): the provider's managers and tokens poll their own;
another provider's job is a 404.
Export: provider managers and coordinators and provider tokens for their own provider, commissioner
officers and tokens for a provider they commission; another provider or an outsider commissioner
asking for P1 gets 404 (P1's data does not exist for them)."""

from __future__ import annotations

from tests.matrix._personas import COMMISSIONER_TOKEN, OTHER_PROVIDER, OTHER_PROVIDER_TOKEN, PROVIDER_TOKEN


def _import_job(fx) -> dict:
    from interchange.models import BundleImport

    return {"pk": BundleImport.objects.filter(provider=fx.provider).first().pk}  # tests/matrix/_scenario.py


EXPECTATIONS: dict = {
    "bundle-import": {
        # Each provider imports into its own data (write tokens; P2's token included).
        "allowed": {"provider_manager", OTHER_PROVIDER, PROVIDER_TOKEN, OTHER_PROVIDER_TOKEN},
        "method": "post",
        "data": {},
        "ok": {400},
    },
    "bundle-import-status": {
        "allowed": {"provider_manager", PROVIDER_TOKEN},
        "kwargs": _import_job,
    },
    "bundle-export": {
        "allowed": {"provider_manager", "coordinator", "commissioner_officer", PROVIDER_TOKEN, COMMISSIONER_TOKEN},
        "data": {"provider": "P1"},
        "object": True,
    },
}
