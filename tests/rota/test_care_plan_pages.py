"""The care plan pages as a coordinator and a trusted assessor use them: add a slot, see the hours
beside the package's and the difference flagged, change a slot from a day, errors beside the field."""

from __future__ import annotations

import pytest
from django.test import Client

from rota.plan_models import CarePlanSlot
from tests.rota.builders import RotaScenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(contract):
    return RotaScenario(contract)


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_an_assessor_adds_a_slot_and_sees_the_hours_differ(s):
    package = s.package(s.person(), start="2026-11-02", hours="3.50")
    team = s.team()
    c = _client(s.user("trusted_assessor", email="ta@p1.example"))
    r = c.post(
        f"/rota/packages/{package.pk}/care-plan/add/",
        {
            "days": ["1", "2", "3", "4", "5"],
            "start": "08:00",
            "minutes": "45",
            "carers_required": "1",
            "skills": "medication, catheter care",
            "tasks": "Breakfast and tablets",
            "team": str(team.pk),
            "valid_from": "2026-12-07",
        },
    )
    assert r.status_code == 302
    slot = CarePlanSlot.objects.get(package=package)
    assert (slot.days, slot.skills, slot.team, str(slot.earliest)) == (
        [1, 2, 3, 4, 5],
        ["medication", "catheter care"],
        team,
        "07:30:00",
    )
    page = c.get(f"/rota/packages/{package.pk}/care-plan/?on=2026-12-07").content.decode()
    # 5 x 45 min = 3.75 h a week against 3.50: a quarter hour more is flagged.
    assert 'data-testid="plan-hours">3.75' in page and 'data-testid="package-hours">3.50' in page
    assert 'data-testid="hours-differ"' in page
    assert "Mon to Fri" in page and "Breakfast and tablets" in page


def test_a_bad_slot_comes_back_with_errors_beside_the_fields(s):
    package = s.package(s.person(), start="2026-11-02")
    c = _client(s.coordinator())
    r = c.post(
        f"/rota/packages/{package.pk}/care-plan/add/",
        {"start": "08:00", "minutes": "2", "carers_required": "1", "earliest": "08:30", "valid_from": "2026-10-01"},
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert 'id="id_days-error"' in page and 'id="id_minutes-error"' in page and 'id="id_earliest-error"' in page
    assert not CarePlanSlot.objects.exists()
    # Dates outside the package are the service's rule, shown beside "From".
    r = c.post(
        f"/rota/packages/{package.pk}/care-plan/add/",
        {"days": ["1"], "start": "08:00", "minutes": "30", "carers_required": "1", "valid_from": "2026-10-01"},
    )
    assert 'id="id_valid_from-error"' in r.content.decode() and "starts on 2 November 2026" in r.content.decode()


def test_a_care_worker_may_not_open_care_plans(s):
    package = s.package(s.person(), start="2026-11-02")
    c = _client(s.user("care_worker", email="cw@p1.example"))
    assert c.get(f"/rota/packages/{package.pk}/care-plan/").status_code == 403
    assert c.get("/rota/care-plans/").status_code == 403


def test_the_list_flags_packages_whose_plan_differs(s):
    # The list is about today: these packages and slots started long ago and have no end.
    same = s.package(s.person(), start="2026-11-02", hours="3.50")
    s.slot(same, minutes=30)  # 3.5 h
    other = s.package(s.person(), start="2026-11-02", hours="7.00")
    s.slot(other, days=(1,), minutes=60)  # 1 h
    c = _client(s.coordinator())
    page = c.get("/rota/care-plans/?differences=1").content.decode()
    assert other.ref in page and same.ref not in page and "6.00 h less" in page


def test_a_new_slot_is_offered_the_persons_team(s):
    from rota.careplans import team_for_package

    armley, bramley = s.team("T1", "Armley"), s.team("T2", "Bramley")
    person = s.person()
    package = s.package(person, start="2026-01-05")
    # Nobody has visited yet and there are two teams: no guess.
    assert team_for_package(package) is None
    # Bramley's care worker visited twice, Armley's once (within 4 weeks of today).
    from datetime import timedelta

    from django.utils import timezone

    b, a = s.carer(bramley), s.carer(armley)
    for k, w in enumerate((b, b, a)):
        day = timezone.localdate() - timedelta(days=k + 1)
        s.visit(person, f"{day} 09:00", attend=[(w, f"{day} 09:00", f"{day} 09:30")])
    assert team_for_package(package) == bramley
    # A slot with a team settles it.
    s.slot(package, team=armley)
    assert team_for_package(package) == armley
