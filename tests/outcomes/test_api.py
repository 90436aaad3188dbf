"""The REST API: bundle field names, every problem listed in a 400, the workflow's status, a
person's record, scoping by token (another provider's person is a 404), and the OpenAPI schema."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from commissioning.api.authentication import hash_key
from commissioning.models import ApiToken
from outcomes.models import OutcomeAssessment, Package, PackageChange, Review

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def token_client(org, key="k-" + "x" * 30) -> APIClient:
    ApiToken.objects.create(
        organisation=org, name=f"{org.ref} system", prefix=key[:12], key_hash=hash_key(key), scope="write"
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def session(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def recent(pk1):
    Package.objects.filter(pk=pk1.pk).update(start=TODAY - timedelta(days=100))
    pk1.refresh_from_db()
    return pk1


def body(**kw) -> dict:
    b = {
        "package": "PK1",
        "effective": TODAY.isoformat(),
        "new_weekly_hours": "10",
        "reason": "rehabilitation",
        "consent_by": "family",
        "consent_date": TODAY.isoformat(),
        "note": "Stairs managed with a rail now.",
    }
    b.update(kw)
    return {k: v for k, v in b.items() if v is not None}


def test_a_change_is_logged_with_the_bundles_field_names(assessor, recent):
    response = session(assessor).post("/api/v1/package-changes/", body(), format="json")
    assert response.status_code == 201
    data = response.json()
    assert {k: data[k] for k in ("ref", "package", "effective", "new_weekly_hours", "by", "reason", "consent_by")} == {
        "ref": "CH-PK1-1",
        "package": "PK1",
        "effective": TODAY.isoformat(),
        "new_weekly_hours": "10.00",
        "by": "provider",
        "reason": "rehabilitation",
        "consent_by": "family",
    }
    assert (data["submitted_for_approval"], data["decision"], data["decided"], data["status"]) == (
        None,
        "pending",
        None,
        "applied",
    )
    assert (data["consent_date"], data["note"]) == (TODAY.isoformat(), "Stairs managed with a rail now.")


def test_every_problem_is_listed_in_the_400_and_nothing_is_saved(assessor, recent):
    response = session(assessor).post(
        "/api/v1/package-changes/",
        body(
            new_weekly_hours="169", effective=(TODAY - timedelta(days=8)).isoformat(), consent_by=None, reason="magic"
        ),
        format="json",
    )
    assert response.status_code == 400
    first = TODAY - timedelta(days=7)
    assert sorted((e["path"], e["message"]) for e in response.json()["errors"]) == sorted(
        [
            ("reason", '"magic" is not a valid choice.'),
            ("new_weekly_hours", "Weekly hours cannot be more than 168 (every hour of the week)."),
            (
                "effective",
                f"The change cannot take effect more than 7 days ago (the earliest is {first.day} {first:%B %Y}).",
            ),
            ("consent_by", "Record who agreed to the change: the person, their advocate or their family."),
        ]
    )
    assert not PackageChange.objects.exists()


def test_submit_then_decide_then_a_second_decision_is_refused(assessor, social_worker, recent):
    change = session(assessor).post("/api/v1/package-changes/", body(), format="json").json()
    submitted = session(assessor).post(f"/api/v1/package-changes/{change['id']}/submit/")
    assert submitted.status_code == 200
    assert (submitted.json()["status"], submitted.json()["submitted_for_approval"]) == ("submitted", TODAY.isoformat())
    sw = session(social_worker)
    bad = sw.post(f"/api/v1/package-changes/{change['id']}/decision/", {"decision": "maybe"}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"] == [
        {"path": "decision", "message": '"maybe" is not a valid choice.'}
    ]
    ok = sw.post(
        f"/api/v1/package-changes/{change['id']}/decision/", {"decision": "approved", "reason": ""}, format="json"
    )
    assert ok.status_code == 200
    assert (ok.json()["decision"], ok.json()["decided"], ok.json()["status"]) == (
        "approved",
        TODAY.isoformat(),
        "approved",
    )
    again = sw.post(
        f"/api/v1/package-changes/{change['id']}/decision/", {"decision": "rejected", "reason": "No"}, format="json"
    )
    assert again.status_code == 400
    assert again.json()["errors"] == [
        {"path": "decision", "message": f"This change was already approved on {TODAY.day} {TODAY:%B %Y}."}
    ]


def test_a_refusal_of_the_whole_request_has_an_empty_path(assessor, recent):
    # 12 -> 5 hours is beyond the lot's limits, so it waits for approval; a second change must wait for it.
    first = session(assessor).post("/api/v1/package-changes/", body(new_weekly_hours="5"), format="json").json()
    assert first["status"] == "waiting_approval"
    response = session(assessor).post("/api/v1/package-changes/", body(new_weekly_hours="6"), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "path": "",
            "message": f"Change {first['ref']} to this package is waiting for the social worker's approval: "
            "it must be decided before another change is logged.",
        }
    ]


def test_the_list_filters_by_status(assessor, recent):
    client = session(assessor)
    client.post("/api/v1/package-changes/", body(), format="json")
    assert [c["status"] for c in client.get("/api/v1/package-changes/?status=applied").json()["results"]] == ["applied"]
    assert client.get("/api/v1/package-changes/?status=submitted").json()["results"] == []


def test_a_persons_record_has_packages_ledger_changes_reviews_and_assessments(provider, ann, recent, assessor):
    client = token_client(provider)
    client.post("/api/v1/package-changes/", body(new_weekly_hours="11"), format="json")
    Review.objects.create(provider=provider, ref="R1", package=recent, kind="provider", due=TODAY + timedelta(days=5))
    OutcomeAssessment.objects.create(
        provider=provider, ref="A1", person=ann, date=TODAY, wellbeing_independence=4, home=5, community=3
    )
    data = client.get("/api/v1/people/Q1/").json()
    assert (data["ref"], data["provider"], data["contract"], data["lot"]) == ("Q1", "P1", "C-P1", 1)
    assert [(p["ref"], p["planned_weekly_hours"], p["hours_now"]) for p in data["packages"]] == [
        ("PK1", "12.00", "11.00")
    ]
    start = (TODAY - timedelta(days=100)).isoformat()
    assert [(s["start"], s["hours"], s["event"], s["change"]) for s in data["ledger"]] == [
        (start, "12.00", "start", None),
        (TODAY.isoformat(), "11.00", "change", "CH-PK1-1"),
    ]
    assert [c["ref"] for c in data["changes"]] == ["CH-PK1-1"]
    assert [(r["ref"], r["due"]) for r in data["reviews"]] == [("R1", (TODAY + timedelta(days=5)).isoformat())]
    assert [(a["ref"], a["home"]) for a in data["assessments"]] == [("A1", 5)]
    # The change made with the token is audited as the token's.
    from pghistory.models import Events

    ctx = Events.objects.tracks(PackageChange.objects.get()).get().pgh_context
    assert ctx["token_name"] == "P1 system"


def test_another_providers_token_sees_nothing(other_provider, ann, recent):
    client = token_client(other_provider)
    assert client.get("/api/v1/people/Q1/").status_code == 404
    response = client.post("/api/v1/package-changes/", body(), format="json")
    assert response.status_code == 404
    assert response.json()["errors"] == [{"path": "package", "message": "No package PK1 that you can see."}]
    assert client.get("/api/v1/package-changes/").json()["results"] == []


def test_a_review_is_completed_and_an_assessment_recorded_over_the_api(provider, ann, recent):
    client = token_client(provider)
    review = Review.objects.create(provider=provider, ref="R1", package=recent, kind="provider", due=TODAY)
    bad = client.post(
        f"/api/v1/reviews/{review.pk}/complete/", {"completed": TODAY.isoformat(), "home": 9}, format="json"
    )
    assert bad.status_code == 400
    assert sorted(e["path"] for e in bad.json()["errors"]) == [
        "community",
        "home",
        "progress",
        "wellbeing_independence",
    ]
    ok = client.post(
        f"/api/v1/reviews/{review.pk}/complete/",
        {"completed": TODAY.isoformat(), "wellbeing_independence": 4, "home": 4, "community": 2, "progress": False},
        format="json",
    )
    assert ok.status_code == 200
    nxt = TODAY + timedelta(days=122)
    assert (ok.json()["review"]["completed"], ok.json()["next_review"]["due"]) == (TODAY.isoformat(), nxt.isoformat())
    made = client.post(
        "/api/v1/outcome-assessments/",
        {
            "person": "Q1",
            "date": (TODAY - timedelta(days=1)).isoformat(),
            "wellbeing_independence": 5,
            "home": 5,
            "community": 5,
        },
        format="json",
    )
    assert made.status_code == 201 and made.json()["person"] == "Q1"


def test_the_new_endpoints_are_in_the_openapi_schema(assessor):
    schema = session(assessor).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in (
        "/api/v1/package-changes/",
        "/api/v1/package-changes/{id}/submit/",
        "/api/v1/package-changes/{id}/decision/",
        "/api/v1/people/{ref}/",
        "/api/v1/reviews/{id}/complete/",
        "/api/v1/outcome-assessments/",
    ):
        assert path in schema["paths"], path


def test_hours_are_stored_to_two_places(assessor, recent):
    session(assessor).post("/api/v1/package-changes/", body(new_weekly_hours="10.5"), format="json")
    assert PackageChange.objects.get().new_weekly_hours == D("10.50")
