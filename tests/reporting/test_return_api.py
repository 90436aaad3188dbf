"""The returns REST API as commissioners' systems and providers use it: tokens, scoping (another
organisation gets 404), filters, pagination, formats, recompute and its progress, the schema."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from commissioning.services import api_token_issue
from reporting.models.returns import ReturnRun, WeeklyReturn
from reporting.returns.services import weekly_return_render_pdf
from tests.conftest import make_user
from tests.reporting.test_return_outputs import stored_return

W37, W38, W39 = date(2025, 9, 8), date(2025, 9, 15), date(2025, 9, 22)


def token_client(admin_user) -> APIClient:
    _, key = api_token_issue(organisation=admin_user.organisation, name="reporting system", scope="write")
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
def other_provider_api(other_provider):
    return token_client(make_user(other_provider, "provider_manager", is_org_admin=True))


@pytest.fixture
def outsider_api(outsider_commissioner):
    return token_client(make_user(outsider_commissioner, "commissioner_officer", is_org_admin=True))


@pytest.fixture
def returns(contract, other_contract):
    """P1: W37 v1 submitted + v2 draft, W38 submitted, W39 draft. P2: W37 submitted."""
    return {
        "w37v1": stored_return(contract, week_start=W37, status="submitted"),
        "w37v2": stored_return(contract, week_start=W37, version=2),
        "w38": stored_return(contract, week_start=W38, status="submitted"),
        "w39": stored_return(contract, week_start=W39),
        "p2": stored_return(other_contract, week_start=W37, status="submitted"),
    }


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


def test_a_commissioner_token_lists_the_submitted_returns_under_its_contracts(council_api, returns):
    got = ids(council_api.get("/api/v1/returns/"))
    # Both providers' contracts have a lot the council commissions; drafts are the providers' own.
    assert got == {returns["w37v1"].pk, returns["w38"].pk, returns["p2"].pk}


def test_a_commissioner_fetches_one_return_in_the_spec_shape(council_api, returns):
    r = council_api.get(f"/api/v1/returns/{returns['w38'].pk}/")
    assert r.status_code == 200
    data = r.json()
    assert (data["provider"], data["contract"], data["week"], data["version"], data["status"]) == (
        "P1",
        "C-P1",
        "2025-W38",
        1,
        "submitted",
    )
    assert data["kpis"]["7"]["percent"] is None and data["measures"]["1"]["lot1"]["packages_started"] == 3


def test_a_draft_or_another_organisations_return_is_a_404_with_an_error_body(
    council_api, outsider_api, other_provider_api, returns
):
    r = council_api.get(f"/api/v1/returns/{returns['w39'].pk}/")  # a draft
    assert r.status_code == 404 and r.json()["errors"][0]["message"]
    assert outsider_api.get(f"/api/v1/returns/{returns['w38'].pk}/").status_code == 404
    assert outsider_api.get("/api/v1/returns/").json()["results"] == []
    assert other_provider_api.get(f"/api/v1/returns/{returns['w38'].pk}/").status_code == 404
    assert ids(other_provider_api.get("/api/v1/returns/")) == {returns["p2"].pk}


def test_a_provider_token_sees_its_own_drafts_and_submitted_returns_only(provider_api, returns):
    assert ids(provider_api.get("/api/v1/returns/")) == {returns[k].pk for k in ("w37v1", "w37v2", "w38", "w39")}
    assert provider_api.get(f"/api/v1/returns/{returns['p2'].pk}/").status_code == 404


def test_without_a_token_the_api_says_401(returns):
    r = APIClient().get("/api/v1/returns/")
    assert r.status_code in (401, 403) and "errors" in r.json()
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    assert bad.get("/api/v1/returns/").status_code == 401


def test_filters_by_week_range_status_contract_provider_and_lot(provider_api, council_api, returns):
    assert ids(provider_api.get("/api/v1/returns/", {"week_from": "2025-W38", "week_to": "2025-W39"})) == {
        returns["w38"].pk,
        returns["w39"].pk,
    }
    assert ids(provider_api.get("/api/v1/returns/", {"status": "draft"})) == {returns["w37v2"].pk, returns["w39"].pk}
    assert ids(council_api.get("/api/v1/returns/", {"provider": "P2"})) == {returns["p2"].pk}
    assert ids(council_api.get("/api/v1/returns/", {"contract": "C-P1"})) == {returns["w37v1"].pk, returns["w38"].pk}
    assert ids(council_api.get("/api/v1/returns/", {"lot": 3})) == set()
    assert len(ids(council_api.get("/api/v1/returns/", {"lot": 1}))) == 3
    assert ids(provider_api.get("/api/v1/returns/", {"latest": "true", "week_to": "2025-W37"})) == {returns["w37v2"].pk}


def test_a_bad_filter_is_a_400_with_the_field_named(council_api, returns):
    r = council_api.get("/api/v1/returns/", {"week_from": "September"})
    assert r.status_code == 400
    assert r.json()["errors"][0]["path"] == "week_from"


def test_the_list_is_paginated(council_api, contract):
    for i in range(55):
        stored_return(contract, week_start=date.fromordinal(W37.toordinal() - 7 * i), status="submitted")
    first = council_api.get("/api/v1/returns/").json()
    assert first["count"] == 55 and len(first["results"]) == 50 and first["next"]
    assert len(council_api.get(first["next"]).json()["results"]) == 5


def test_csv_by_query_suffix_and_accept_header(council_api, returns):
    pk = returns["w38"].pk
    for response in (
        council_api.get(f"/api/v1/returns/{pk}/", {"format": "csv"}),
        council_api.get(f"/api/v1/returns/{pk}.csv"),
        council_api.get(f"/api/v1/returns/{pk}/", HTTP_ACCEPT="text/csv"),
    ):
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert ["week", "", "2025-W38"] in rows and ["measures.1.packages_started", "1", "3"] in rows


def test_the_pdf_is_served_when_stored_and_otherwise_being_prepared(council_api, returns, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pk = returns["w38"].pk
    pending = council_api.get(f"/api/v1/returns/{pk}.pdf")
    assert pending.status_code == 404 and "being prepared" in pending.json()["errors"][0]["message"]
    weekly_return_render_pdf(weekly_return_id=pk)  # the worker's job
    for response in (
        council_api.get(f"/api/v1/returns/{pk}.pdf"),
        council_api.get(f"/api/v1/returns/{pk}/", HTTP_ACCEPT="application/pdf"),
    ):
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_recompute_is_for_the_provider_and_answers_202_with_a_run_to_watch(
    provider_api, council_api, other_provider_api, contract, returns
):
    assert council_api.post("/api/v1/returns/recompute", {"contract": "C-P1", "week": "2025-W37"}).status_code == 403
    assert (
        other_provider_api.post("/api/v1/returns/recompute", {"contract": "C-P1", "week": "2025-W37"}).status_code
        == 404
    )
    bad = provider_api.post("/api/v1/returns/recompute", {"contract": "C-P1", "week": "W37"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["path"] == "week"

    r = provider_api.post("/api/v1/returns/recompute", {"contract": "C-P1", "week": "2025-W40"}, format="json")
    assert r.status_code == 202
    run = ReturnRun.objects.get(pk=r.json()["id"])
    assert (run.contract, run.week_start, run.state) == (contract, date(2025, 9, 29), "queued")
    progress = provider_api.get(f"/api/v1/returns/runs/{run.pk}/").json()
    assert progress["state"] == "queued" and progress["week"] == "2025-W40" and progress["return_id"] is None
    assert other_provider_api.get(f"/api/v1/returns/runs/{run.pk}/").status_code == 404


def test_no_api_path_changes_a_submitted_return(provider_api, council_api, returns):
    wr = returns["w38"]
    for api in (provider_api, council_api):
        assert api.put(f"/api/v1/returns/{wr.pk}/", {"status": "draft"}, format="json").status_code == 405
        assert api.patch(f"/api/v1/returns/{wr.pk}/", {"version": 9}, format="json").status_code == 405
        assert api.delete(f"/api/v1/returns/{wr.pk}/").status_code == 405
    before = WeeklyReturn.objects.get(pk=wr.pk)
    assert (before.status, before.version, before.figures) == ("submitted", 1, wr.figures)


def test_the_schema_validates_and_describes_the_returns_endpoints():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    paths = schema["paths"]
    assert {
        "/api/v1/returns/",
        "/api/v1/returns/{id}/",
        "/api/v1/returns/recompute",
        "/api/v1/returns/runs/{id}/",
    } <= set(paths)
    listing = paths["/api/v1/returns/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {
        "provider",
        "contract",
        "lot",
        "week_from",
        "week_to",
        "status",
        "page",
    }
    detail = paths["/api/v1/returns/{id}/"]["get"]["responses"]["200"]["content"]
    assert set(detail) >= {"application/json", "text/csv", "application/pdf"}
    assert "202" in paths["/api/v1/returns/recompute"]["post"]["responses"]
