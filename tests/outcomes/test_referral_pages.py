"""The referral pages: the queue's clocks as the coordinator reads them (met, missed, overdue, with the
first check-in found from the visits), errors beside the fields, and who may see what."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from commissioning.models import Contract, Role
from homecare.lib.dates import LONDON
from outcomes.referrals import services
from tests.conftest import PASSWORD, make_user
from tests.reporting.return_builders import Scenario

pytestmark = pytest.mark.django_db


def at(monkeypatch, *args):
    when = datetime(*args, tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: when)
    return when


@pytest.fixture
def sw(council, contract, other_contract):
    Contract.objects.filter(pk=other_contract.pk).update(model="partnership")
    return make_user(council, Role.SOCIAL_WORKER)


def test_the_queue_shows_each_clock_as_it_stands(monkeypatch, client, sw, coordinator, contract):
    at(monkeypatch, 2026, 11, 16, 9, 0)  # Monday
    started_late = services.referral_broker(
        actor=sw, neighbourhood=contract.neighbourhood, lot=1, person_ref="SC-1", planned_weekly_hours=Decimal("5")
    )
    waiting = services.referral_broker(
        actor=sw, neighbourhood=contract.neighbourhood, lot=1, person_ref="SC-2", planned_weekly_hours=Decimal("5")
    )
    at(monkeypatch, 2026, 11, 16, 15, 0)
    started_late = services.referral_accept(actor=coordinator, referral_id=started_late.pk, start=date(2026, 11, 20))
    monkeypatch.undo()
    s = Scenario(contract)
    w = s.worker()
    # First visit Friday 20 November, 9:05: 4 days after the referral, past its 72 hours (Thursday 9:00).
    s.visit(started_late.person, "2026-11-20 09:00", attend=[(w, "2026-11-20 09:05", "2026-11-20 09:35")])
    client.login(email=coordinator.email, password=PASSWORD)
    html = client.get("/commissioning/referrals/").content.decode()
    late_row = html.split(f'data-referral="{started_late.ref}"')[1].split("</tr>")[0]
    assert 'data-clock="agree" data-clock-state="met"' in late_row
    assert 'data-clock="start" data-clock-state="missed"' in late_row
    assert "first visit checked in Friday 20 November 2026, 9:05am" in late_row
    waiting_row = html.split(f'data-referral="{waiting.ref}"')[1].split("</tr>")[0]
    # Received Monday 9am: a start was due by the end of Tuesday, care by Thursday 9am. It is later now.
    assert 'data-clock="agree" data-clock-state="overdue"' in waiting_row
    assert "by the end of <time" in waiting_row and "Tuesday 17 November 2026" in waiting_row
    assert "overdue by" in waiting_row
    # Waiting referrals come first.
    assert html.index(waiting.ref) < html.index(started_late.ref)


def test_a_start_before_the_referral_is_explained_beside_the_field(client, sw, coordinator, contract):
    r = services.referral_broker(
        actor=sw, neighbourhood=contract.neighbourhood, lot=1, person_ref="SC-3", planned_weekly_hours=Decimal("5")
    )
    client.login(email=coordinator.email, password=PASSWORD)
    html = client.post(f"/commissioning/referrals/{r.pk}/accept/", {"start": "2020-01-01"}).content.decode()
    assert 'id="accept-start-error"' in html and "The start cannot be before the referral was received." in html
    html = client.post(f"/commissioning/referrals/{r.pk}/decline/", {"reason": ""}).content.decode()
    assert 'id="decline-reason-error"' in html


def test_brokering_errors_sit_beside_their_fields(client, sw, contract):
    client.login(email=sw.email, password=PASSWORD)
    html = client.post(
        "/commissioning/referrals/new/",
        {"person": "SC-4", "neighbourhood": str(contract.neighbourhood_id), "lot": "2", "planned_weekly_hours": "7"},
    ).content.decode()
    # The council commissions no lot 2 in Area 1 (the trust does).
    assert 'id="id_neighbourhood-error"' in html and "City Council commissions no lot 2 in Area 1" in html


def test_other_organisations_get_404_and_other_roles_403(client, sw, contract, other_provider_user, provider):
    r = services.referral_broker(
        actor=sw, neighbourhood=contract.neighbourhood, lot=1, person_ref="SC-5", planned_weekly_hours=Decimal("5")
    )
    client.login(email=other_provider_user.email, password=PASSWORD)
    assert client.get(f"/commissioning/referrals/{r.pk}/").status_code == 404
    client.logout()
    carer = make_user(provider, Role.CARE_WORKER)
    client.login(email=carer.email, password=PASSWORD)
    assert client.get(f"/commissioning/referrals/{r.pk}/").status_code == 403
