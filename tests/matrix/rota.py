"""Expectations for the rota app: ECM ingest (REST) and the CSV upload page.

Provider managers and coordinators (of any provider: each writes to its own visits only) and
provider tokens (the ECM system) may push attendances; commissioners, trusted assessors, care
workers and social workers may not."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.matrix._personas import (
    COMMISSIONER_ROLES,
    OTHER_ORGS,
    OTHER_PROVIDER,
    OTHER_PROVIDER_TOKEN,
    PROVIDER_TOKEN,
)

# The rota: coordinators and managers edit it, trusted assessors read it; the provider's API token
# does both. Care workers see only their own published rota; commissioners never see rotas.
ROTA_EDITORS = frozenset({"provider_manager", "coordinator"})
ROTA_READERS = ROTA_EDITORS | {"trusted_assessor"}

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


def _team(fx):
    from workforce.models import Team

    team, _ = Team.objects.get_or_create(
        provider=fx.provider, ref="MX-T1", defaults={"neighbourhood": fx.neighbourhood, "name": "Matrix team"}
    )
    return team


def _worker(fx, ref="MX-W1"):
    from workforce.models import Worker

    worker, _ = Worker.objects.get_or_create(
        provider=fx.provider,
        ref=ref,
        defaults={"team": _team(fx), "name": ref, "started": date(2024, 1, 1), "contract_type": "zero_hours",
                  "pay_rate": Decimal("13")},
    )  # fmt: skip
    return worker


def _visit(fx):
    """A scheduled visit in an hour, of a person of fx.provider under fx.contract (lot 1)."""
    from datetime import timedelta

    from django.utils import timezone

    from outcomes.models import Package
    from rota.models import Visit

    package = Package.objects.get(pk=_package(fx)["pk"])
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=1)
    return Visit.objects.create(
        provider=fx.provider,
        ref="MX-V1",
        person=package.person,
        package=package,
        team=_team(fx),
        planned_start=start,
        planned_end=start + timedelta(minutes=30),
    )


def _assignment(fx):
    from rota.plan_models import Assignment

    return Assignment.objects.create(provider=fx.provider, visit=_visit(fx), worker=_worker(fx))


def _shift(fx):
    from datetime import timedelta

    from django.utils import timezone

    from rota.models import Shift

    start = timezone.now().replace(second=0, microsecond=0) + timedelta(days=1)
    return Shift.objects.create(
        provider=fx.provider, ref="MX-S1", worker=_worker(fx), start=start, end=start + timedelta(hours=4)
    )


def _my_visit(fx) -> dict:
    """fx's care worker user linked to a worker planned on a visit in a published week."""
    from rota.publishing import rota_publish

    worker = _worker(fx)
    worker.user = fx.users["care_worker"]
    worker.save(update_fields=["user"])
    assignment = _assignment(fx)
    rota_publish(team=_team(fx), week=assignment.visit.planned_start.date())
    return {"pk": assignment.visit_id}


def _board_path(name: str):
    def path(fx) -> str:
        from django.urls import reverse
        from django.utils import timezone

        return f"{reverse(name)}?team={_team(fx).ref}&date={timezone.localdate().isoformat()}"

    return path


def _week_path(fx) -> str:
    from django.urls import reverse

    return f"{reverse('rota:board-week')}?team={_team(fx).ref}&week=2026-W50"


def _proposal(fx) -> dict:
    """A plan of fx.provider's team's day, still waiting for the planner (apply: refused, back to it)."""
    from django.utils import timezone

    from rota.plan_models import PlanProposal

    p = PlanProposal.objects.create(provider=fx.provider, team=_team(fx), day=timezone.localdate(), mode="unassigned")
    return {"pk": p.pk}


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
    # The rota board. Without a team the board opens the user's own first team (other providers too).
    "rota:board": [
        {"allowed": ROTA_READERS, "path": _board_path("rota:board"), "object": True},
    ],
    "rota:board-week": {"allowed": ROTA_READERS, "path": _week_path, "object": True},
    "rota:shift-add": [
        {"allowed": ROTA_EDITORS, "path": _board_path("rota:shift-add"), "object": True},
        {"allowed": ROTA_EDITORS, "path": _board_path("rota:shift-add"), "object": True, "method": "post", "ok": {200}},
    ],
    "rota:publish": {
        "allowed": ROTA_EDITORS,
        "method": "post",
        "data": lambda fx: {"team": _team(fx).ref, "week": "2026-W50"},
        "object": True,
        "ok": {302},
    },
    "rota:generate": {
        "allowed": ROTA_EDITORS,
        "method": "post",
        "data": lambda fx: {"team": _team(fx).ref, "week": "2026-W50"},
        "object": True,
        "ok": {302},
    },
    "rota:shift-edit": [
        {"allowed": ROTA_EDITORS, "kwargs": lambda fx: {"pk": _shift(fx).pk}},
        {"allowed": ROTA_EDITORS, "kwargs": lambda fx: {"pk": _shift(fx).pk}, "method": "post", "ok": {200}},
    ],
    "rota:visit-assign": [
        {"allowed": ROTA_READERS, "kwargs": lambda fx: {"pk": _visit(fx).pk}},
        # No worker named: a 404 for the worker (the permission check passed first for editors).
        {
            "allowed": ROTA_EDITORS,
            "kwargs": lambda fx: {"pk": _visit(fx).pk},
            "method": "post",
            "data": lambda fx: {"worker": _worker(fx).ref, "team": _team(fx).ref},
            "ok": {302},
        },
    ],
    "rota:visit-time": [
        {"allowed": ROTA_EDITORS, "kwargs": lambda fx: {"pk": _visit(fx).pk}},
        {"allowed": ROTA_EDITORS, "kwargs": lambda fx: {"pk": _visit(fx).pk}, "method": "post", "ok": {200}},
    ],
    "rota:assignment-remove": {
        "allowed": ROTA_EDITORS,
        "kwargs": lambda fx: {"pk": _assignment(fx).pk},
        "method": "post",
        "ok": {302},
    },
    # The planner on the board: coordinators and managers; another provider's plan is a 404.
    "rota:plan": {
        "allowed": ROTA_EDITORS,
        "method": "post",
        "data": lambda fx: {"team": _team(fx).ref, "date": "2026-12-08", "mode": "unassigned"},
        "object": True,
        "ok": {302},
    },
    "rota:proposal": {"allowed": ROTA_EDITORS, "kwargs": _proposal},
    "rota:proposal-status": {"allowed": ROTA_EDITORS, "kwargs": _proposal},
    "rota:proposal-apply": {"allowed": ROTA_EDITORS, "kwargs": _proposal, "method": "post", "ok": {302}},
    "rota:proposal-discard": {"allowed": ROTA_EDITORS, "kwargs": _proposal, "method": "post", "ok": {302}},
    # The care worker's own rota: care workers only (a care worker without a worker record is told so).
    "rota:my": {"allowed": {"care_worker"}},
    "rota:my-check-in": {"allowed": {"care_worker"}, "kwargs": _my_visit, "method": "post", "ok": {302}},
    "rota:my-check-out": {"allowed": {"care_worker"}, "kwargs": _my_visit, "method": "post", "ok": {302}},
    "rota:my-not-at-home": [
        {"allowed": {"care_worker"}, "kwargs": _my_visit},
        {"allowed": {"care_worker"}, "kwargs": _my_visit, "method": "post", "ok": {200}},
    ],
    # The rota over REST.
    "rota-board-api": {
        "allowed": ROTA_READERS | {PROVIDER_TOKEN},
        "path": _board_path("rota-board-api"),
        "object": True,
    },
    "rota-assignments-api": {
        "allowed": ROTA_EDITORS | {PROVIDER_TOKEN},
        "method": "post",
        "data": lambda fx: {"visit": _visit(fx).ref, "worker": _worker(fx).ref},
        "object": True,
        "ok": {201},
    },
    "rota-assignment-api": [
        {"allowed": ROTA_READERS | {PROVIDER_TOKEN}, "kwargs": lambda fx: {"pk": _assignment(fx).pk}},
        {
            "allowed": ROTA_EDITORS | {PROVIDER_TOKEN},
            "method": "delete",
            "kwargs": lambda fx: {"pk": _assignment(fx).pk},
            "ok": {204},
        },
    ],
    "rota-shifts-api": [
        {
            "allowed": ROTA_EDITORS | {PROVIDER_TOKEN},
            "method": "post",
            "data": lambda fx: {
                "worker": _worker(fx).ref,
                "start": "2026-12-20T07:00:00Z",
                "end": "2026-12-20T14:00:00Z",
            },
            "object": True,
            "ok": {201},
        },
        {
            "allowed": ROTA_EDITORS | {PROVIDER_TOKEN},
            "method": "patch",
            "data": lambda fx: {"ref": _shift(fx).ref, "unpaid_break_minutes": 30},
            "object": True,
            "ok": {200},
        },
    ],
    "rota-publish-api": {
        "allowed": ROTA_EDITORS | {PROVIDER_TOKEN},
        "method": "post",
        "data": lambda fx: {"team": _team(fx).ref, "week": "2026-W50"},
        "object": True,
        "ok": {200},
    },
}
