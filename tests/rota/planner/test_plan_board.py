"""The board's planner: "Plan unassigned visits" and "Re-plan the day" as a coordinator uses them (the
Celery task runs eagerly here; tests/rota/planner/test_plan_worker.py runs it on a real worker).

The day is tests/rota/planner/days.py's, worked out in test_plan_from_db's docstring: before the plan
nobody is planned (5 visits need a care worker, travel 0, no pairs); after it D and E still do (2),
Sam walks 34 minutes, 3 new pairs. Paid: two shifts 08:00-14:00 = 12.00 hours; contact after: A 30 +
B 45 + C 30 x 2 = 135 minutes, 135 / 720 = 19%."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commissioning.models import Role
from rota.board import board_for
from rota.plan_models import Assignment, PlanProposal
from tests.reporting.return_builders import d
from tests.rota.builders import RotaScenario
from tests.rota.planner.days import a_day

pytestmark = pytest.mark.django_db
DAY = d("2026-12-08")


@pytest.fixture
def s(contract):
    return RotaScenario(contract)


@pytest.fixture
def day(s):
    return a_day(s)


def ask(client, mode="unassigned"):
    with_commit = client.post(reverse("rota:plan"), {"team": "T1", "date": "2026-12-08", "mode": mode})
    assert with_commit.status_code == 302
    return PlanProposal.objects.latest("pk")


def test_a_coordinator_plans_the_unassigned_visits_and_applies(client, s, day, django_capture_on_commit_callbacks):
    client.force_login(s.coordinator())
    with django_capture_on_commit_callbacks(execute=True):
        proposal = ask(client)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.progress) == ("ready", 100)
    assert not Assignment.objects.exists()  # nothing changes before "Apply"
    page = client.get(reverse("rota:proposal", args=[proposal.pk])).content.decode()
    figures = proposal.result
    assert (figures["before"]["unassigned"], figures["after"]["unassigned"]) == (5, 2)
    assert (figures["before"]["travel_minutes"], figures["after"]["travel_minutes"]) == (0, 34)
    assert (figures["before"]["new_pairs"], figures["after"]["new_pairs"]) == (0, 3)
    assert (figures["after"]["paid_hours"], figures["after"]["efficiency_percent"]) == ("12.00", 19)
    assert "Visits that change (3)" in page
    assert "09:55" in page and "10:00 → 09:55" in page
    response = client.post(reverse("rota:proposal-apply", args=[proposal.pk]))
    assert response.status_code == 302
    board = board_for(day["team"], DAY)
    assert sorted(bv.ref for bv in board.unassigned) == ["D-AM-20261208", "E-AM-20261208"]
    assert board.figures["travel_minutes"] == 34
    proposal.refresh_from_db()
    assert proposal.status == "applied"


def test_apply_is_refused_when_the_board_changed_since(client, s, day, django_capture_on_commit_callbacks):
    client.force_login(s.coordinator())
    with django_capture_on_commit_callbacks(execute=True):
        proposal = ask(client)
    s.plan(day["v"]["A"], day["kim"])  # someone planned Kim on A meanwhile
    response = client.post(reverse("rota:proposal-apply", args=[proposal.pk]), follow=True)
    text = response.content.decode()
    assert "has changed since this plan was made" in text
    assert "The 09:00 visit (A-AM-20261208) has changed" in text
    assert "Nothing was changed." in text
    assert list(Assignment.objects.values_list("worker__ref", flat=True)) == ["W-KIM"]
    assert PlanProposal.objects.get(pk=proposal.pk).status == "ready"


def test_discard_leaves_the_board(client, s, day, django_capture_on_commit_callbacks):
    client.force_login(s.coordinator())
    with django_capture_on_commit_callbacks(execute=True):
        proposal = ask(client, mode="replan")
    client.post(reverse("rota:proposal-discard", args=[proposal.pk]))
    assert PlanProposal.objects.get(pk=proposal.pk).status == "discarded"
    assert not Assignment.objects.exists()
    # A discarded plan cannot be applied.
    response = client.post(reverse("rota:proposal-apply", args=[proposal.pk]), follow=True)
    assert "cannot be applied" in response.content.decode()


@pytest.mark.parametrize("role", [Role.CARE_WORKER, Role.TRUSTED_ASSESSOR])
def test_care_workers_and_assessors_cannot_plan(client, s, day, role):
    client.force_login(s.user(role, email=f"{role}@p1.example"))
    response = client.post(reverse("rota:plan"), {"team": "T1", "date": "2026-12-08", "mode": "unassigned"})
    assert response.status_code == 403
    assert not PlanProposal.objects.exists()


def test_another_providers_plan_is_a_404(client, s, day, other_provider):
    from tests.conftest import make_user

    proposal = PlanProposal.objects.create(provider=s.provider, team=day["team"], day=DAY, mode="unassigned")
    client.force_login(make_user(other_provider, Role.COORDINATOR, email="c@p2.example"))
    assert client.get(reverse("rota:proposal", args=[proposal.pk])).status_code == 404
    assert client.post(reverse("rota:proposal-apply", args=[proposal.pk])).status_code == 404
