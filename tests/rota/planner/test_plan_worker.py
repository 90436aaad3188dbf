"""The board's planner on a real Celery worker: the proposal is queued after commit, the worker plans
the day (tests/rota/planner/days.py) and the page shows it ready with its figures."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from rota.plan_models import PlanProposal
from tests.rota.builders import RotaScenario
from tests.rota.planner.days import a_day

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_plans_the_day(client, contract, celery_worker_process):
    s = RotaScenario(contract)
    a_day(s)
    client.force_login(s.coordinator())
    client.post(reverse("rota:plan"), {"team": "T1", "date": "2026-12-08", "mode": "unassigned"})
    proposal = PlanProposal.objects.get()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        proposal.refresh_from_db()
        if proposal.status not in ("queued", "running"):
            break
        time.sleep(0.3)
    assert proposal.status == "ready", celery_worker_process.output()[-3000:]
    status = client.get(reverse("rota:proposal-status", args=[proposal.pk])).json()
    assert status == {"status": "ready", "progress": 100, "message": ""}
    # Worked out by hand in test_plan_from_db: D and E still need a care worker; Sam walks 34 minutes.
    assert (proposal.result["after"]["unassigned"], proposal.result["after"]["travel_minutes"]) == (2, 34)
    assert "rota.tasks.plan_proposal" in celery_worker_process.output()
