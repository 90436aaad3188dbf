"""Expectations for the rota app: ECM ingest (REST) and the CSV upload page.

Provider managers and coordinators (of any provider: each writes to its own visits only) and
provider tokens (the ECM system) may push attendances; commissioners, trusted assessors, care
workers and social workers may not."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.matrix._personas import COMMISSIONER_ROLES, OTHER_ORGS, OTHER_PROVIDER, PROVIDER_TOKEN

INGESTERS = frozenset({"provider_manager", "coordinator", OTHER_PROVIDER})
# Care plans: provider managers, coordinators and trusted assessors edit them; commissioners under the
# contract read them (what they commission). Care workers see their own rota only.
PLAN_EDITORS = frozenset({"provider_manager", "coordinator", "trusted_assessor"})
PLAN_READERS = PLAN_EDITORS | COMMISSIONER_ROLES


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


def _slot(fx) -> dict:
    from datetime import time

    from outcomes.models import Package
    from rota.careplans import care_plan_slot_add

    package = Package.objects.get(pk=_package(fx)["pk"])
    slot = care_plan_slot_add(
        package=package, days=[1], start=time(8), minutes=30, valid_from=package.start, generate=False
    )
    return {"pk": slot.pk}


EXPECTATIONS: dict = {
    "ecm-attendances": {
        "allowed": INGESTERS | {PROVIDER_TOKEN},
        "method": "post",
        "data": {"attendances": []},
    },
    "rota:ecm-upload": {"allowed": INGESTERS},
    # Without a previewed upload in the session, confirm redirects back to the upload page.
    "rota:ecm-upload-confirm": {"allowed": INGESTERS, "method": "post", "ok": {302}},
    # Read-only audit history of one package of fx.provider: its provider's managers, coordinators and
    # trusted assessors; commissioners and care workers 403; other organisations 404.
    "rota:package-history": {"allowed": {"provider_manager", "coordinator", "trusted_assessor"}, "kwargs": _package},
    # Care plans. The list shows each organisation its own packages (so other organisations may open it).
    "rota:care-plans": {"allowed": PLAN_READERS | OTHER_ORGS},
    "rota:care-plan": {"allowed": PLAN_READERS, "kwargs": _package},
    "rota:care-plan-slot-add": [
        {"allowed": PLAN_EDITORS, "kwargs": _package},
        # An empty form comes back with its errors (200): the permission check passed.
        {"allowed": PLAN_EDITORS, "kwargs": _package, "method": "post", "ok": {200}},
    ],
    "rota:care-plan-slot-change": [
        {"allowed": PLAN_EDITORS, "kwargs": _slot},
        {"allowed": PLAN_EDITORS, "kwargs": _slot, "method": "post", "ok": {200}},
    ],
    "rota:care-plan-slot-end": [
        {"allowed": PLAN_EDITORS, "kwargs": _slot},
        {"allowed": PLAN_EDITORS, "kwargs": _slot, "method": "post", "ok": {200}},
    ],
}
