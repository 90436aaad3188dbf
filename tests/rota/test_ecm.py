"""ECM ingest: a resent batch counts once, a corrected record keeps the old value in the audit
history, errors are all listed and nothing is written, a provider cannot touch another's visits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from commissioning.api.authentication import hash_key
from commissioning.models import ApiToken
from outcomes.models import Person
from rota.models import Attendance, Visit
from tests.conftest import make_user
from workforce.models import Worker

URL = "/api/v1/ecm/attendances"


def make_visit(provider, contract, ref="V1", start=datetime(2025, 9, 8, 8, 0, tzinfo=UTC)):
    person, _ = Person.objects.get_or_create(provider=provider, ref="Q1", defaults={"contract": contract, "lot": 1})
    return Visit.objects.create(
        provider=provider,
        ref=ref,
        person=person,
        planned_start=start,
        planned_end=start.replace(hour=start.hour + 1),
        status="completed",
    )


def make_worker(provider, ref="W1"):
    return Worker.objects.create(
        provider=provider, ref=ref, started=date(2024, 1, 1), contract_type="salaried", pay_rate=Decimal("12")
    )


def token_client(org) -> APIClient:
    key = f"key-{org.ref}"
    ApiToken.objects.create(organisation=org, name="ecm", prefix=key[:8], key_hash=hash_key(key), scope="write")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def visit(provider, contract):
    return make_visit(provider, contract)


@pytest.fixture
def worker(provider):
    return make_worker(provider)


def record(**kw):
    # 09:05 BST is 08:05 UTC: ECM sends local wall times, like the bundle.
    row = {"external_id": "E1", "visit": "V1", "worker": "W1", "check_in": "2025-09-08T09:05",
           "check_out": "2025-09-08T09:50", "method": "app", "exception_code": None}  # fmt: skip
    row.update(kw)
    return row


@pytest.mark.django_db
def test_a_batch_sent_twice_counts_once(provider, visit, worker):
    client = token_client(provider)
    first = client.post(URL, {"attendances": [record()]}, format="json")
    assert first.status_code == 200, first.json()
    assert first.json() == {"created": 1, "updated": 0, "unchanged": 0}
    again = client.post(URL, {"attendances": [record()]}, format="json")
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 1}
    a = Attendance.objects.get()
    assert a.check_in == datetime(2025, 9, 8, 8, 5, tzinfo=UTC) and a.external_id == "E1"
    assert a.events.count() == 0  # nothing was updated, so nothing to audit


@pytest.mark.django_db
def test_a_corrected_record_updates_and_keeps_the_old_value_in_history(provider, visit, worker, coordinator):
    client = APIClient()
    client.force_authenticate(coordinator)
    client.post(URL, {"attendances": [record()]}, format="json")
    fixed = client.post(URL, {"attendances": [record(check_out="2025-09-08T10:00", method="manual")]}, format="json")
    assert fixed.json() == {"created": 0, "updated": 1, "unchanged": 0}
    a = Attendance.objects.get()
    assert a.check_out == datetime(2025, 9, 8, 9, 0, tzinfo=UTC) and a.method == "manual"
    # The audit trail holds the old row ("before_update") and the new one ("update"), with who did it.
    events = {e.pgh_label: e for e in a.events.all()}
    assert set(events) == {"before_update", "update"}
    assert events["before_update"].check_out == datetime(2025, 9, 8, 8, 50, tzinfo=UTC)
    assert events["before_update"].method == "app"
    assert events["update"].check_out == datetime(2025, 9, 8, 9, 0, tzinfo=UTC)
    context = events["before_update"].pgh_context.metadata
    assert context["user"] == coordinator.pk and context["command"] == "ecm_ingest"


@pytest.mark.django_db
def test_every_error_is_listed_with_its_path_and_nothing_is_written(provider, visit, worker):
    client = token_client(provider)
    batch = [
        record(),
        record(external_id="E2", visit="V404"),
        record(external_id="E3", worker="W404", check_out="2025-09-08T09:00"),
        record(external_id="E1"),  # the same external id twice
        record(external_id="E5", check_in="2025-09-08T01:00", check_out="2025-09-08T01:30"),
        record(external_id="E6", method="fax"),
    ]
    response = client.post(URL, {"attendances": batch}, format="json")
    assert response.status_code == 400
    assert {(e["path"], e["message"]) for e in response.json()["errors"]} == {
        ("attendances[1].visit", "unknown visit V404"),
        ("attendances[2].worker", "unknown worker W404"),
        ("attendances[2].check_out", "not after check_in"),
        ("attendances[3].external_id", "sent twice in this batch (also at 0)"),
        ("attendances[5].method", "must be one of app, phone, manual"),
        ("attendances[3].worker", "worker W1 appears twice on visit V1 in this batch"),
        ("attendances[4].worker", "worker W1 appears twice on visit V1 in this batch"),
        ("attendances[4].check_in", "more than 3 hours before the planned start"),
    }
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_a_provider_cannot_push_to_another_providers_visits(provider, other_provider, other_contract, worker):
    make_visit(other_provider, other_contract, ref="V1")
    make_worker(other_provider, ref="W1")
    response = token_client(provider).post(URL, {"attendances": [record()]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"path": "attendances[0].visit", "message": "unknown visit V1"}]
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_commissioners_and_care_workers_cannot_push(provider, council, visit, worker, officer):
    assert token_client(council).post(URL, {"attendances": [record()]}, format="json").status_code == 403
    client = APIClient()
    client.force_authenticate(officer)
    assert client.post(URL, {"attendances": [record()]}, format="json").status_code == 403
    client.force_authenticate(make_user(provider, "care_worker"))
    assert client.post(URL, {"attendances": [record()]}, format="json").status_code == 403
    assert not Attendance.objects.exists()
