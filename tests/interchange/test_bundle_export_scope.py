"""A commissioner's bundle export holds what it commissions and nothing of the provider's workforce
(docs/decisions.md, "A commissioner sees only what it commissions")."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from tests.conftest import make_user
from tests.rota.test_ecm import token_client

EXPORT = "/api/v1/bundles/export"


def bundle() -> dict:
    worker = {
        "provider": "P1",
        "started": "2024-01-01",
        "contract_type": "guaranteed_hours",
        "contracted_weekly_hours": "30",
        "pay_rate": "12.60",
        "home": {"lat": 53.80123, "lon": -1.60456},
    }
    return {
        "format": "homecare-bundle/1",
        "timezone": "Europe/London",
        "commissioners": [{"ref": "LCC", "name": "City Council"}, {"ref": "NHS", "name": "Community NHS Trust"}],
        "providers": [{"ref": "P1", "name": "Provider One", "on_cost_factor": "1.25"}],
        "neighbourhoods": [{"ref": "AREA1", "name": "Area 1", "wards": ["Armley"]}],
        "contracts": [
            {"ref": "C-P1", "provider": "P1", "neighbourhood": "AREA1", "model": "prime_provider",
             "start": "2025-07-07", "settlement": "four_weekly",
             "lots": [{"lot": 1, "name": "Lot 1", "commissioner": "LCC", "hourly_rate": "26.22"},
                      {"lot": 2, "name": "Lot 2", "commissioner": "NHS", "hourly_rate": "27.50"}]}
        ],
        "teams": [{"ref": "T1", "provider": "P1", "neighbourhood": "AREA1", "name": "Armley team"}],
        "workers": [{"ref": "W-WENDY", "name": "Wendy Walker", "team": "T1", **worker},
                    {"ref": "W-LEFT", "name": "Larry Leaver", "left": "2025-08-01", "leaving_reason": "Moved away",
                     **worker}],
        "people": [{"ref": "Q-LOT1", "provider": "P1", "contract": "C-P1", "lot": 1},
                   {"ref": "Q-LOT2", "provider": "P1", "contract": "C-P1", "lot": 2}],
        "shifts": [{"ref": "S1", "worker": "W-WENDY", "start": "2025-09-08T08:00", "end": "2025-09-08T14:00"}],
        "absences": [{"ref": "AB1", "worker": "W-WENDY", "start": "2025-09-01", "end": "2025-09-02", "kind": "sickness"}],
        "visits": [
            {"ref": "V-LOT1", "person": "Q-LOT1", "planned_start": "2025-09-08T09:00",
             "planned_end": "2025-09-08T09:30", "status": "completed",
             "attendances": [{"worker": "W-WENDY", "check_in": "2025-09-08T09:02", "check_out": "2025-09-08T09:31"}]},
            {"ref": "V-LOT2", "person": "Q-LOT2", "planned_start": "2025-09-08T10:00",
             "planned_end": "2025-09-08T10:30", "status": "completed",
             "attendances": [{"worker": "W-WENDY", "check_in": "2025-09-08T10:01", "check_out": "2025-09-08T10:30"}]},
        ],
        "events": [{"ref": "E1", "provider": "P1", "date": "2025-09-08", "kind": "complaint", "title": "Late visit"}],
        "spend": [{"ref": "SP1", "provider": "P1", "contract": "C-P1", "period_start": "2025-08-04",
                   "period_end": "2025-08-31", "indirect_staffing": "1000", "total_spend": "9000"}],
        "credits": [{"ref": "CR-LOT1", "provider": "P1", "contract": "C-P1", "lot": 1, "date": "2025-09-08",
                     "amount": "10", "reason": "Missed visit"},
                    {"ref": "CR-LOT2", "provider": "P1", "contract": "C-P1", "lot": 2, "date": "2025-09-08",
                     "amount": "20", "reason": "Missed visit"}],
    }  # fmt: skip


WORKFORCE_LISTS = ("teams", "workers", "shifts", "absences", "training_records", "staff_surveys")


@pytest.fixture
def loaded(provider, council, trust, contract):
    response = token_client(provider).post("/api/v1/bundles/import", bundle(), format="json")
    assert response.status_code == 200, response.json()


def export(client) -> tuple[dict, str]:
    response = client.get(EXPORT, {"provider": "P1"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return json.loads(text), text


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.django_db
def test_the_provider_exports_everything(loaded, manager):
    data, _ = export(as_user(manager))
    assert [w["ref"] for w in data["workers"]] == ["W-LEFT", "W-WENDY"]
    assert [p["ref"] for p in data["people"]] == ["Q-LOT1", "Q-LOT2"]
    assert data["visits"][0]["attendances"][0]["worker"] == "W-WENDY"


@pytest.mark.django_db
@pytest.mark.parametrize("by", ["officer", "token"])
def test_a_commissioner_exports_its_own_lot_and_no_workforce(loaded, officer, council, by):
    client = as_user(officer) if by == "officer" else token_client(council)
    data, text = export(client)
    # Its lot's people and what hangs off them; the trust's lot 2 is not there.
    assert [p["ref"] for p in data["people"]] == ["Q-LOT1"]
    assert [v["ref"] for v in data["visits"]] == ["V-LOT1"]
    assert [c["ref"] for c in data["credits"]] == ["CR-LOT1"]
    assert [lot["lot"] for lot in data["contracts"][0]["lots"]] == [1]
    assert [c["ref"] for c in data["commissioners"]] == ["LCC"]
    # Attendances keep their times, not who attended.
    assert data["visits"][0]["attendances"] == [
        {"check_in": "2025-09-08T09:02", "check_out": "2025-09-08T09:31", "method": "app", "exception_code": None}
    ]
    # Nothing of the workforce or the provider's own business.
    for name in (*WORKFORCE_LISTS, "events", "people_surveys", "spend"):
        assert data[name] == [], name
    # The provider's name, address and bank details (as on its invoices), never its on-cost factor.
    assert [{k: v for k, v in p.items() if v is not None} for p in data["providers"]] == [
        {"ref": "P1", "name": "Provider One"}
    ]
    for secret in ("W-WENDY", "Wendy Walker", "12.6", "Moved away", "53.80123", "Q-LOT2", "NHS", "Late visit"):
        assert secret not in text, secret


@pytest.mark.django_db
def test_the_trust_exports_lot_2_only(loaded, trust):
    data, text = export(as_user(make_user(trust, "commissioner_officer")))
    assert [p["ref"] for p in data["people"]] == ["Q-LOT2"]
    assert [c["ref"] for c in data["credits"]] == ["CR-LOT2"]
    assert "Q-LOT1" not in text and "LCC" not in text
