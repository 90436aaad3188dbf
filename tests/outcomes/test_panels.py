"""What higher apps register shows on a person's page: a section, and the care plan's hours against
the package's (the coordinator is asked to change the plan where they differ, today or on the day
of a change to come)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone

from outcomes import panels
from outcomes.models import Package, PackageChange

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def registered(monkeypatch):
    """A care plan of 12 hours a week until 10 days from now, then 9; and a section."""
    monkeypatch.setattr(panels, "_PLAN_HOURS", [])
    monkeypatch.setattr(panels, "_SECTIONS", {})

    def plan(actor, packages, day):
        hours = D("12") if day < TODAY + timedelta(days=10) else D("9")
        return {p.pk: panels.PlanHours(hours, edit_url=f"/rota/plans/{p.ref}/") for p in packages}

    panels.register_package_hours(plan)
    panels.register_person_section(
        "notes",
        "outcomes/choose_provider.html",
        lambda actor, person, packages, today: {"ref": person.ref, "what": "x", "objects": []},
        50,
    )


def test_the_coordinator_is_asked_to_change_the_plan_where_it_differs(client, assessor, pk1, registered):
    Package.objects.filter(pk=pk1.pk).update(start=TODAY - timedelta(days=100))
    # The package goes to 10 hours in 5 days, when the plan still books 12: asked once. Today both
    # are 12 (no prompt); the plan's own later step is the coordinator's to check on the rota.
    PackageChange.objects.create(
        provider=pk1.provider, ref="CH1", package=pk1, effective=TODAY + timedelta(days=5), new_weekly_hours=D("10"),
        by="provider", reason="other", consent_by="person",
    )  # fmt: skip
    client.force_login(assessor)
    html = client.get("/outcomes/people/Q1/").content.decode()
    d5 = TODAY + timedelta(days=5)
    assert f"The care plan is 12.00 hours a week from {d5.day} {d5:%B %Y} but the package is 10.00" in html
    assert html.count('data-testid="care-plan-prompt"') == 1
    assert 'href="/rota/plans/PK1/"' in html
    assert 'data-testid="section-notes"' in html  # the registered section is on the page
