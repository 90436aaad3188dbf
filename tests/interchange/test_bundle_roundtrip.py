"""Export then import round-trips exactly; a provider imports only its own data."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.db import connection

from commissioning.models import Organisation
from interchange.exporter import export_bundle
from interchange.importer import BundleInvalid, import_bundle
from rota.models import Visit
from tests.conftest import make_user
from tests.interchange.test_bundle_import import EXAMPLE, _bytes, _tiny


def _export(ref: str, **kw) -> str:
    org = Organisation.objects.get(kind="provider", ref=ref)
    return "".join(export_bundle(provider_id=org.pk, **kw))


def _wipe() -> None:
    """An empty database, inside the test's transaction, deleted as the application's role may
    (children first; TRUNCATE is the owner's alone)."""
    tables = [
        "rota_attendance", "rota_visit", "rota_shift", "outcomes_outcomeassessment", "outcomes_hospitalstay",
        "commissioning_referral", "outcomes_review", "outcomes_packagechange", "outcomes_package",
        "outcomes_credit", "commissioning_spend", "outcomes_event", "outcomes_peoplesurvey",
        "workforce_staffsurvey", "workforce_absence", "workforce_trainingrecord", "outcomes_person",
        "workforce_worker", "workforce_team", "commissioning_lotrate", "commissioning_lot",
        "commissioning_contract", "commissioning_neighbourhood", "commissioning_organisation",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")


def _same(original: dict, exported: dict, list_name: str, ref: str) -> None:
    """Field by field, with decimal strings compared as numbers ("0.80" is "0.8")."""
    a = next(r for r in original[list_name] if r["ref"] == ref)
    b = next(r for r in exported[list_name] if r["ref"] == ref)
    for key, value in a.items():
        other = b.get(key)
        if isinstance(value, str) and isinstance(other, str) and value.replace(".", "").isdigit():
            assert Decimal(value) == Decimal(other), (list_name, ref, key)
        elif key == "attendances":  # exports add the optional external_id (null here)
            assert [{k: x[k] for k in y} for x, y in zip(other, value, strict=True)] == value
        elif key == "rate_changes":
            continue  # asserted on its own below
        elif key == "lots":
            for la, lb in zip(value, other, strict=True):
                for k, v in la.items():
                    assert (Decimal(str(v)) if isinstance(v, str | int) and k != "name" and k != "commissioner"
                            and k != "billing_basis" else v) == (Decimal(str(lb[k])) if isinstance(lb[k], str | int)
                            and k not in ("name", "commissioner", "billing_basis") else lb[k]), (k, v, lb[k])  # fmt: skip
        else:
            assert value == other, (list_name, ref, key, value, other)


@pytest.mark.django_db
def test_export_then_import_into_an_empty_database_round_trips_exactly():
    original = json.loads(EXAMPLE.read_text())
    import_bundle(EXAMPLE)
    first = _export("P1")
    _wipe()
    counts = import_bundle(io.BytesIO(first.encode()))
    assert counts["visits"]["created"] == sum(1 for v in original["visits"] if v["person"].startswith("P1-"))
    second = _export("P1")
    assert second == first  # byte-identical

    exported = json.loads(first)
    for list_name, ref in [
        ("visits", "V-P1-Q00-2025-08-04-0"),
        ("contracts", "C-P1"),
        ("workers", "P1-W00"),
        ("package_changes", "CH-P1-Q06"),
        ("referrals", "R-P1-Q22"),
        ("shifts", "S-P1-W00-2025-08-04-0"),
    ]:
        _same(original, exported, list_name, ref)
    assert exported["contracts"][0]["rate_changes"] == [{"lot": 1, "from": "2025-09-15", "hourly_rate": "27"}]
    assert {p["ref"] for p in exported["providers"]} == {"P1"}  # nothing of P2


@pytest.mark.django_db
def test_the_date_filter_keeps_undated_records_and_filters_visits_by_planned_start():
    import_bundle(EXAMPLE)
    week = json.loads(_export("P1", date_from=__import__("datetime").date(2025, 8, 4),
                              date_to=__import__("datetime").date(2025, 8, 10)))  # fmt: skip
    assert week["visits"] and all("2025-08-04" <= v["planned_start"][:10] <= "2025-08-10" for v in week["visits"])
    assert len(week["people"]) == 30  # people are not dated: all of P1's
    # The filtered bundle is self-contained: it imports into an empty database.
    _wipe()
    assert import_bundle(io.BytesIO(json.dumps(week).encode()))["visits"]["created"] == len(week["visits"])


@pytest.mark.django_db
def test_the_repeated_autumn_hour_keeps_its_offset_on_export():
    import_bundle(_bytes(_tiny()))
    exported = json.loads(_export("P1"))
    visit = exported["visits"][0]
    assert visit["planned_start"] == "2025-10-26T01:30+01:00"  # the first 01:30
    # Postgres reads an ambiguous wall time as the second one (GMT): no offset needed for those.
    assert visit["planned_end"] == "2025-10-26T01:45"
    assert visit["attendances"][0]["check_in"] == "2025-10-26T01:10"


@pytest.mark.django_db
def test_a_provider_cannot_import_another_providers_rows(provider, other_provider, neighbourhood, council):
    Organisation.objects.filter(pk=provider.pk).update(name="One")
    bundle = _tiny()
    bundle["neighbourhoods"][0]["ref"] = neighbourhood.ref
    bundle["commissioners"][0]["ref"] = council.ref
    bundle["providers"].append({"ref": "P2", "name": "Provider Two"})
    bundle["workers"].append(
        {"ref": "W2", "provider": "P2", "started": "2024-01-01", "contract_type": "salaried", "pay_rate": "12"}
    )
    user = make_user(provider, "provider_manager")
    with pytest.raises(BundleInvalid) as caught:
        import_bundle(_bytes(bundle), actor=user)
    paths = {e["path"]: e["message"] for e in caught.value.errors}
    assert paths["providers[1]"] == "you may import only provider P1"
    assert paths["workers[1].provider"] == "belongs to provider P2, not yours"
    # The contract is the commissioner's to set up: a provider's bundle cannot create it.
    assert paths["contracts[0].ref"] == "C is not set up; ask the commissioner"
    assert not Visit.objects.exists()

    with pytest.raises(PermissionError):
        import_bundle(_bytes(_tiny()), actor=make_user(council, "commissioner_officer"))


@pytest.mark.django_db
def test_an_ecm_external_id_is_exported_and_kept_by_a_bundle_without_it():
    from rota.models import Attendance
    from rota.services import attendances_ingest

    import_bundle(_bytes(_tiny()))
    provider = Organisation.objects.get(kind="provider", ref="P1")
    row = {"external_id": "ECM-9", "visit": "V", "worker": "W", "check_in": "2025-10-26T01:10Z",
           "check_out": "2025-10-26T01:40"}  # fmt: skip
    assert attendances_ingest(provider=provider, rows=[row]).counts() == {"created": 0, "updated": 1, "unchanged": 0}
    exported = json.loads(_export("P1"))
    assert exported["visits"][0]["attendances"][0]["external_id"] == "ECM-9"
    again = import_bundle(_bytes(_tiny()))  # no external_id in it: the stored one stays
    assert again["attendances"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert Attendance.objects.get().external_id == "ECM-9"
