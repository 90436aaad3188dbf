"""What the rota shows on a person's page (/outcomes/people/<ref>/): the care plan beside the
package's hours, the weeks' visits planned against delivered, and continuity. Dates are relative to
today (the page uses the real date)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from commissioning.models import Role
from tests.conftest import make_user
from tests.rota.builders import RotaScenario

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MONDAY = TODAY - timedelta(days=TODAY.weekday())


def text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def at(day, hhmm: str) -> str:
    return f"{day.isoformat()} {hhmm}"


@pytest.fixture
def s(contract):
    return RotaScenario(contract)


@pytest.fixture
def ann(s):
    person = s.person(ref="ANN")
    package = s.package(person, start=(TODAY - timedelta(days=100)).isoformat(), hours="3.50", ref="PK-ANN")
    # Monday to Friday, 45 minutes: 3.75 hours a week against the package's 3.50.
    s.slot(package, days=(1, 2, 3, 4, 5), start="08:00", minutes=45, tasks="Breakfast and tablets")
    w1, w2, w3, w4 = (s.carer(ref=f"W{i}") for i in range(1, 5))
    last, before = MONDAY - timedelta(weeks=1), MONDAY - timedelta(weeks=2)
    # Last week: one visit delivered (30 min), one planned and not attended, one while in hospital.
    s.visit(person, at(last, "10:00"), attend=[(w1, at(last, "10:00"), at(last, "10:30"))])
    s.visit(person, at(last + timedelta(days=1), "10:00"))
    s.visit(person, at(last + timedelta(days=2), "10:00"), status="hospital")
    # This week's visit is not counted yet (the week is not over).
    s.visit(person, at(MONDAY, "10:00"))
    # The week before: four visits of 30 minutes, by four care workers (W1 again).
    for i, w in enumerate((w1, w2, w3, w4)):
        day = before + timedelta(days=i)
        s.visit(person, at(day, "10:00"), attend=[(w, at(day, "10:00"), at(day, "10:30"))])
    return person


def test_the_person_page_shows_the_care_plan_visits_and_continuity(s, ann):
    c = Client()
    c.force_login(s.coordinator())
    page = text(c.get("/outcomes/people/ANN/"))
    assert "Package PK-ANN: 3.75 hours a week planned in visits, package 3.50" in page
    assert "Differs The care plan books 3.75 hours a week; the package is for 3.50." in page
    assert "The care plan is 3.75 hours a week today but the package is 3.50: change the care plan to match." in page
    assert (
        "Days Mon to Fri Time 08:00 (07:30-08:30) Length 45 min Needs One care worker Tasks Breakfast and tablets"
        in page
    )
    last, before = MONDAY - timedelta(weeks=1), MONDAY - timedelta(weeks=2)
    # Last week: 2 the provider's to deliver (the hospital one is not), 1 delivered: 50%; 1 hour
    # planned (2 x 30 min), half an hour delivered.
    assert f"Week from {last:%-d %b %Y} Planned 2 Delivered 1 (50.0%) Hours planned 1.00 Hours delivered 0.50" in page
    assert "1 in hospital" in page
    assert f"Week from {MONDAY:%-d %b %Y}" not in page
    assert (
        f"Week from {before:%-d %b %Y} Planned 4 Delivered 4 (100.0%) Hours planned 2.00 Hours delivered 2.00" in page
    )
    # 5 attendances in 4 weeks by 4 care workers; the 3 most frequent (W1 twice, then two of the
    # others) made 4 of the 5: 80%.
    assert "4 care workers in the last 4 weeks; 80% of the visits by the 3 most frequent." in page


def test_a_social_worker_reads_the_care_plan_and_may_not_change_it(s, ann, council):
    c = Client()
    c.force_login(make_user(council, Role.SOCIAL_WORKER, email="sw@council.example"))
    response = c.get(f"/outcomes/people/ANN/?provider={s.provider.ref}")
    assert response.status_code == 200
    page = text(response)
    assert "See the care plan of package PK-ANN" in page
    assert "See or change the care plan" not in page
    assert "4 care workers in the last 4 weeks" in page
