"""The coordinator plans a day with the planner in a real browser: "Plan unassigned visits", the
proposal's before and after figures, "Apply", and the board with the new assignments.

The day is tests/rota/planner/days.py's (worked out in tests/rota/planner/test_plan_from_db.py): after
the plan D and E still need a care worker (2 of 5), Sam does A, B and C and Kim C; Sam walks 34 minutes.
The planner runs eagerly in the web process here (the worker is tested in test_plan_worker.py)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, screenshot, serious_violations
from tests.conftest import PASSWORD
from tests.rota.builders import RotaScenario
from tests.rota.planner.days import a_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_plans_the_unassigned_visits(live_server, browser, contract):
    s = RotaScenario(contract)
    a_day(s)
    s.coordinator()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    log_in(page, live_server, "coord@p1.example", PASSWORD)
    page.goto(f"{live_server.url}/rota/board/?team=T1&date=2026-12-08")
    unassigned = page.locator("[data-unassigned]")
    assert unassigned.locator("[data-visit]").count() == 5
    page.get_by_role("button", name="Plan unassigned visits").click()

    # The proposal: ready (the JS poll or "Check progress" gets there), figures before and after.
    figures = page.locator("[data-testid=proposal-figures]")
    if not figures.count():
        page.get_by_role("button", name="Check progress").click()
    figures.wait_for()
    assert figures.locator('[data-figure="unassigned"] [data-before]').inner_text() == "5"
    assert figures.locator('[data-figure="unassigned"] [data-after]').inner_text() == "2"
    assert figures.locator('[data-figure="travel_minutes"] [data-after]').inner_text() == "34"
    assert figures.locator('[data-figure="new_pairs"] [data-after]').inner_text() == "3"
    assert (
        page.locator('[data-testid=proposal-moves] [data-visit="B-AM-20261208"]').inner_text().endswith("10:00 → 09:55")
    )
    screenshot(page, "rota-plan-proposal")
    assert serious_violations(page) == []

    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/rota/board/**")
    assert "Plan applied: 4 care workers planned." in page.content()
    sam = page.locator('.rota-row[data-worker="W-SAM"]')
    kim = page.locator('.rota-row[data-worker="W-KIM"]')
    for ref in ("A-AM-20261208", "B-AM-20261208", "C-AM-20261208"):
        assert sam.locator(f'[data-visit="{ref}"]').count() == 1
    assert kim.locator('[data-visit="C-AM-20261208"]').count() == 1
    left = sorted(x.get_attribute("data-visit") for x in unassigned.locator("[data-visit]").all())
    assert left == ["D-AM-20261208", "E-AM-20261208"]
    assert serious_violations(page) == []
