"""The referral API as a council's brokerage system and a provider's rota system use it: broker with
the bundle's field names, every error in one 400, accept with a start date, decline, withdraw, pass on;
another organisation's referral is a 404; all of it in the OpenAPI schema."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from commissioning.models import Contract, Referral
from commissioning.services import api_token_issue
from outcomes.models import Package, Person
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def token_client(admin) -> APIClient:
    _, key = api_token_issue(organisation=admin.organisation, name="system", scope="write")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def council_api(officer):
    return token_client(officer)


@pytest.fixture
def provider_api(manager):
    return token_client(manager)


@pytest.fixture
def area(contract, other_contract):
    Contract.objects.filter(pk=other_contract.pk).update(model="partnership")
    return contract.neighbourhood


BROKER = {
    "person": "SC-1001",
    "lot": 1,
    "priority": True,
    "authorised_delay": False,
    "neighbourhood": "AREA1",
    "requested_start": None,
    "planned_weekly_hours": "7.50",
    "notes": "Key safe by the back door",
}


def test_a_commissioner_brokers_and_the_provider_accepts(council_api, provider_api, area, provider):
    created = council_api.post("/api/v1/referrals/", BROKER, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["provider"], body["contract"], body["neighbourhood"], body["person"], body["lot"]) == (
        "P1",
        "C-P1",
        "AREA1",
        "SC-1001",
        1,
    )
    assert (body["outcome"], body["start_agreed"], body["decided"], body["priority"]) == ("pending", None, None, True)
    assert body["clocks"]["start"]["state"] == "running" and "agree" not in body["clocks"]  # priority: 48 hours only
    assert body["clocks"]["start"]["remaining_minutes"] in (47 * 60 + 59, 48 * 60)
    start = (timezone.localdate() + timedelta(days=1)).isoformat()
    accepted = provider_api.post(f"/api/v1/referrals/{body['id']}/accept/", {"start": start}, format="json")
    assert accepted.status_code == 200, accepted.json()
    a = accepted.json()
    assert (a["outcome"], a["start"]) == ("started", start) and a["start_agreed"] == a["decided"] is not None
    assert a["package"] and Package.objects.get(ref=a["package"]).person == Person.objects.get(
        provider=provider, ref="SC-1001"
    )
    again = provider_api.post(f"/api/v1/referrals/{body['id']}/decline/", {"reason": "x"}, format="json")
    assert again.status_code == 409 and again.json()["errors"][0]["message"].startswith(
        "This referral is already started"
    )


def test_every_error_in_one_400_and_nothing_saved(council_api, area):
    bad = {
        "person": "",
        "lot": 3,
        "neighbourhood": "AREA1",
        "planned_weekly_hours": "abc",
        "outcome": "started",
        "colour": "blue",
    }
    response = council_api.post("/api/v1/referrals/", bad, format="json")
    assert response.status_code == 400
    paths = sorted(e["path"] for e in response.json()["errors"])
    assert paths == ["lot", "person", "planned_weekly_hours"]  # field types first
    response = council_api.post("/api/v1/referrals/", {**BROKER, "outcome": "started", "colour": "blue"}, format="json")
    assert sorted(e["path"] for e in response.json()["errors"]) == ["colour", "outcome"]
    response = council_api.post(
        "/api/v1/referrals/",
        {**BROKER, "neighbourhood": "NOWHERE", "planned_weekly_hours": "0", "requested_start": "2020-01-01"},
        format="json",
    )
    assert sorted(e["path"] for e in response.json()["errors"]) == [
        "neighbourhood",
        "planned_weekly_hours",
        "requested_start",
    ]
    assert Referral.objects.count() == 0


def test_declined_then_passed_on_to_the_next_provider(council_api, provider_api, area, other_provider):
    r = council_api.post("/api/v1/referrals/", BROKER, format="json").json()
    missing = provider_api.post(f"/api/v1/referrals/{r['id']}/decline/", {}, format="json")
    assert missing.status_code == 400 and missing.json()["errors"][0]["path"] == "reason"
    declined = provider_api.post(
        f"/api/v1/referrals/{r['id']}/decline/", {"reason": "No carers on that round"}, format="json"
    )
    assert declined.json()["outcome"] == "declined" and declined.json()["reason"] == "No carers on that round"
    passed = council_api.post(f"/api/v1/referrals/{r['id']}/pass-on/", {"provider": "P2"}, format="json")
    assert passed.status_code == 201
    new = passed.json()
    assert (new["provider"], new["previous"], new["outcome"], new["person"]) == ("P2", r["id"], "pending", "SC-1001")
    # P1 can no longer see the new referral; P2's system can answer it.
    assert provider_api.get(f"/api/v1/referrals/{new['id']}/").status_code == 404
    p2_api = token_client(make_user(other_provider, "provider_manager", is_org_admin=True))
    assert p2_api.get(f"/api/v1/referrals/{new['id']}/").status_code == 200


def test_withdraw_is_the_commissioners_and_other_organisations_get_404(
    council_api, provider_api, area, outsider_commissioner
):
    r = council_api.post("/api/v1/referrals/", BROKER, format="json").json()
    assert provider_api.post(f"/api/v1/referrals/{r['id']}/withdraw/", {}, format="json").status_code == 403
    outsider = token_client(make_user(outsider_commissioner, "commissioner_officer", is_org_admin=True))
    assert outsider.post(f"/api/v1/referrals/{r['id']}/withdraw/", {}, format="json").status_code == 404
    done = council_api.post(f"/api/v1/referrals/{r['id']}/withdraw/", {"reason": "Went to a care home"}, format="json")
    assert (done.status_code, done.json()["outcome"]) == (200, "withdrawn")


def test_the_provider_lists_its_queue(council_api, provider_api, area):
    for person in ("SC-1", "SC-2"):
        council_api.post("/api/v1/referrals/", {**BROKER, "person": person}, format="json")
    listing = provider_api.get("/api/v1/referrals/?outcome=pending").json()
    assert listing["count"] == 2 and {r["person"] for r in listing["results"]} == {"SC-1", "SC-2"}


def test_the_endpoints_are_in_the_openapi_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for path in ("/api/v1/referrals/", "/api/v1/referrals/{id}/accept/", "/api/v1/referrals/{id}/decline/",
                 "/api/v1/referrals/{id}/withdraw/", "/api/v1/dashboard/"):  # fmt: skip
        assert path in paths, path
    assert "post" in paths["/api/v1/referrals/"] and "get" in paths["/api/v1/dashboard/"]
    body = schema["components"]["schemas"]["BrokerInputRequest"]["properties"]
    assert {"ref", "person", "lot", "received", "priority", "authorised_delay", "neighbourhood", "requested_start",
            "planned_weekly_hours", "notes"} <= set(body)  # fmt: skip
