"""Expectations for the rota app: ECM ingest (REST) and the CSV upload page.

Provider managers and coordinators (of any provider: each writes to its own visits only) and
provider tokens (the ECM system) may push attendances; commissioners, trusted assessors, care
workers and social workers may not."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.matrix._personas import OTHER_PROVIDER, OTHER_PROVIDER_TOKEN, PROVIDER_TOKEN

INGESTERS = frozenset({"provider_manager", "coordinator", OTHER_PROVIDER})


def _package(fx) -> dict:
    from outcomes.models import Package, Person

    person = Person.objects.create(provider=fx.provider, ref="MX-Q1", contract=fx.contract, lot=1)
    package = Package.objects.create(
        provider=fx.provider,
        ref="MX-PK1",
        person=person,
        lot=1,
        start=date(2025, 7, 7),
        planned_weekly_hours=Decimal("7"),
    )
    return {"pk": package.pk}


EXPECTATIONS: dict = {
    "ecm-attendances": {
        "allowed": INGESTERS | {PROVIDER_TOKEN, OTHER_PROVIDER_TOKEN},
        "method": "post",
        "data": {"attendances": []},
    },
    "rota:ecm-upload": {"allowed": INGESTERS},
    # Without a previewed upload in the session, confirm redirects back to the upload page.
    "rota:ecm-upload-confirm": {"allowed": INGESTERS, "method": "post", "ok": {302}},
    # Read-only audit history of one package of fx.provider: its provider's managers, coordinators and
    # trusted assessors; commissioners and care workers 403; other organisations 404.
    "rota:package-history": {"allowed": {"provider_manager", "coordinator", "trusted_assessor"}, "kwargs": _package},
}
