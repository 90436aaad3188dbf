"""The audit trail: a change to a package, a package change, a review, an attendance or a lot rate
records who made it, when, and the old and new values."""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.utils import timezone
from pghistory.models import Events

from commissioning.models import LotRate
from interchange.importer import import_bundle
from outcomes.models import Package, PackageChange, Review
from rota.models import Attendance
from tests.interchange.test_bundle_api import bundle


def _with_care_records() -> dict:
    b = bundle()
    b["packages"] = [{"ref": "PK1", "person": "Q1", "lot": 1, "start": "2025-07-07", "planned_weekly_hours": "7"}]
    b["package_changes"] = [
        {"ref": "CH1", "package": "PK1", "effective": "2025-09-01", "new_weekly_hours": "9", "by": "provider",
         "reason": "increase_need", "decision": "pending"}
    ]  # fmt: skip
    b["reviews"] = [{"ref": "RV1", "package": "PK1", "kind": "provider", "due": "2025-09-10"}]
    return b


def _import(b: dict, actor=None) -> dict:
    return import_bundle(io.BytesIO(json.dumps(b).encode()), actor=actor)


def _last_diff(obj) -> tuple[dict, dict]:
    event = Events.objects.tracks(obj).order_by("pgh_created_at", "pgh_id").last()
    return event.pgh_diff, event.pgh_context


@pytest.mark.django_db
def test_changes_record_who_when_and_old_and_new_values(provider, contract, manager):
    first = _with_care_records()
    _import(first, actor=manager)
    changed = copy.deepcopy(first)
    changed["packages"][0]["planned_weekly_hours"] = "10.5"
    changed["package_changes"][0].update(decision="approved", decided="2025-09-05")
    changed["reviews"][0]["completed"] = "2025-09-09"
    changed["visits"][0]["attendances"][0]["check_out"] = "2025-09-08T09:40"
    _import(changed, actor=manager)

    diff, context = _last_diff(Package.objects.get(ref="PK1"))
    assert diff == {"planned_weekly_hours": [7.0, 10.5]}
    assert context["user"] == manager.pk and context["command"] == "import_bundle"

    diff, _ = _last_diff(PackageChange.objects.get(ref="CH1"))
    assert diff == {"decision": ["pending", "approved"], "decided": [None, "2025-09-05"]}

    diff, _ = _last_diff(Review.objects.get(ref="RV1"))
    assert diff == {"completed": [None, "2025-09-09"]}

    attendance = Attendance.objects.get()
    old = attendance.events.get(pgh_label="before_update")
    assert timezone.localtime(old.check_out).strftime("%H:%M") == "09:31"
    assert timezone.localtime(attendance.check_out).strftime("%H:%M") == "09:40"
    assert old.pgh_context.metadata["user"] == manager.pk
    assert old.pgh_created_at <= timezone.now()  # when: the importing transaction's time


@pytest.mark.django_db
def test_a_lot_rate_change_by_the_platform_is_audited(provider, contract):
    b = _with_care_records()
    _import(b)  # the command line: full trust, contracts are written
    b["contracts"][0]["lots"][0]["hourly_rate"] = "26.50"
    _import(b)
    rate = LotRate.objects.get(lot__contract=contract, lot__number=1, effective_from="2025-07-07")
    diff, context = _last_diff(rate)
    assert diff == {"hourly_rate": [26.22, 26.5]}
    assert context["command"] == "import_bundle" and context["user"] is None


@pytest.mark.django_db
def test_the_package_history_page_shows_who_changed_what(client, provider, contract, manager, other_provider_user):
    first = _with_care_records()
    _import(first, actor=manager)
    changed = copy.deepcopy(first)
    changed["packages"][0]["planned_weekly_hours"] = "10.5"
    _import(changed, actor=manager)
    package = Package.objects.get(ref="PK1")
    client.force_login(manager)
    page = client.get(f"/rota/packages/{package.pk}/history/").content.decode()
    assert "planned_weekly_hours: 7.0 → 10.5" in page
    assert manager.email in page
    client.force_login(other_provider_user)
    assert client.get(f"/rota/packages/{package.pk}/history/").status_code == 404
