"""The bundle over REST: a provider imports and exports only its own data; a commissioner exports
only providers it commissions, and only under its contracts; everyone else gets 403/404."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from rota.models import Visit
from tests.conftest import make_user
from tests.rota.test_ecm import token_client

IMPORT = "/api/v1/bundles/import"
EXPORT = "/api/v1/bundles/export"


def bundle(provider_ref="P1", contract_ref="C-P1") -> dict:
    return {
        "format": "homecare-bundle/1",
        "timezone": "Europe/London",
        "commissioners": [{"ref": "LCC", "name": "City Council"}],
        "providers": [{"ref": provider_ref, "name": "Provider One", "on_cost_factor": "1.25"}],
        "neighbourhoods": [{"ref": "AREA1", "name": "Area 1", "wards": ["Armley"]}],
        "contracts": [
            {"ref": contract_ref, "provider": provider_ref, "neighbourhood": "AREA1", "model": "prime_provider",
             "start": "2025-07-07", "settlement": "four_weekly",
             "lots": [{"lot": 1, "name": "Lot 1", "commissioner": "LCC", "hourly_rate": "26.22"}]}
        ],
        "workers": [{"ref": "W1", "provider": provider_ref, "started": "2024-01-01", "contract_type": "salaried",
                     "pay_rate": "12.50"}],
        "people": [{"ref": "Q1", "provider": provider_ref, "contract": contract_ref, "lot": 1}],
        "visits": [{"ref": "V1", "person": "Q1", "planned_start": "2025-09-08T09:00", "planned_end": "2025-09-08T09:30",
                    "status": "completed", "attendances": [{"worker": "W1", "check_in": "2025-09-08T09:02",
                                                            "check_out": "2025-09-08T09:31"}]}],
    }  # fmt: skip


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_a_provider_token_imports_its_own_bundle(provider, contract):
    response = token_client(provider).post(IMPORT, bundle(), format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["counts"]["visits"] == {"created": 1, "updated": 0, "unchanged": 0}
    # The contract is the commissioners': carried in the bundle, never written by a provider.
    assert response.json()["counts"]["contracts"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert Visit.objects.get().provider == provider


@pytest.mark.django_db
def test_a_file_upload_works_too(provider, contract, manager):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("b.json", json.dumps(bundle()).encode(), "application/json")
    response = as_user(manager).post(IMPORT, {"file": upload}, format="multipart")
    assert response.status_code == 200, response.json()
    assert Visit.objects.count() == 1


@pytest.mark.django_db
def test_a_provider_cannot_import_into_another_provider(provider, contract, other_provider, other_contract):
    response = token_client(provider).post(IMPORT, bundle("P2", "C-P2"), format="json")
    assert response.status_code == 400
    paths = {e["path"] for e in response.json()["errors"]}
    assert {"providers[0]", "contracts[0].provider", "workers[0].provider", "people[0].provider"} <= paths
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_an_invalid_bundle_lists_all_errors(provider, contract, manager):
    b = bundle()
    b["visits"][0]["planned_end"] = "2025-09-08T08:00"
    b["workers"][0]["contract_type"] = "gig"
    response = as_user(manager).post(IMPORT, b, format="json")
    assert response.status_code == 400
    assert sorted(e["path"] for e in response.json()["errors"]) == ["visits[0].planned_end", "workers[0].contract_type"]


@pytest.mark.django_db
def test_commissioners_and_coordinators_cannot_import(provider, contract, council, officer, coordinator):
    assert token_client(council).post(IMPORT, bundle(), format="json").status_code == 403
    assert as_user(officer).post(IMPORT, bundle(), format="json").status_code == 403
    assert as_user(coordinator).post(IMPORT, bundle(), format="json").status_code == 403
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_export_is_scoped_to_the_provider_and_its_commissioners(
    provider, contract, manager, other_provider_user, officer, outsider_officer, trust
):
    token_client(provider).post(IMPORT, bundle(), format="json")
    own = as_user(manager).get(EXPORT, {"provider": "P1"})
    assert own.status_code == 200
    data = json.loads(b"".join(own.streaming_content))
    assert [v["ref"] for v in data["visits"]] == ["V1"]
    # The council commissions lot 1 of C-P1: it sees the visit and only itself among commissioners.
    theirs = as_user(officer).get(EXPORT, {"provider": "P1", "from": "2025-09-08", "to": "2025-09-08"})
    assert theirs.status_code == 200
    data = json.loads(b"".join(theirs.streaming_content))
    assert [v["ref"] for v in data["visits"]] == ["V1"]
    assert [c["ref"] for c in data["commissioners"]] == ["LCC"]
    # Another provider, an outsider commissioner: the provider's data does not exist for them.
    assert as_user(other_provider_user).get(EXPORT, {"provider": "P1"}).status_code == 404
    assert as_user(outsider_officer).get(EXPORT, {"provider": "P1"}).status_code == 404
    assert as_user(make_user(provider, "care_worker")).get(EXPORT, {"provider": "P1"}).status_code == 403


@pytest.mark.django_db
def test_a_commissioner_of_either_lot_sees_the_contracts_people_and_only_itself(provider, contract, officer, trust):
    from outcomes.models import Person

    token_client(provider).post(IMPORT, bundle(), format="json")
    Person.objects.filter(ref="Q1").update(lot=2)  # lot 2 is the trust's, but the contract is shared
    trust_officer = make_user(trust, "commissioner_officer")
    data = json.loads(b"".join(as_user(trust_officer).get(EXPORT, {"provider": "P1"}).streaming_content))
    assert [c["ref"] for c in data["commissioners"]] == ["NHS"]
    assert [p["ref"] for p in data["people"]] == ["Q1"]
