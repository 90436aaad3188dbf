"""The CSV upload page: errors are previewed and nothing is saved until the coordinator confirms."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rota.models import Attendance
from tests.rota.test_ecm import make_visit, make_worker

HEADER = "external_id,visit,worker,check_in,check_out,method,exception_code\n"


def upload(client, text: str):
    return client.post("/rota/ecm/upload/", {"file": SimpleUploadedFile("ecm.csv", text.encode(), "text/csv")})


@pytest.fixture
def logged_in(client, coordinator, provider, contract):
    make_visit(provider, contract)
    make_worker(provider)
    client.force_login(coordinator)
    return client


@pytest.mark.django_db
def test_errors_are_shown_per_line_and_nothing_is_saved(logged_in):
    text = HEADER + "E1,V1,W1,2025-09-08T09:05,2025-09-08T09:50,app,\nE2,V9,W1,2025-09-08T09:05,2025-09-08T09:00,,\n"
    page = upload(logged_in, text).content.decode()
    assert "Nothing was saved: 2 problems to fix" in page
    assert "unknown visit V9" in page and "not after check_in" in page
    assert '<td class="nhsuk-table__cell">3</td>' in page  # the second record is line 3 of the file
    assert "Confirm and save" not in page
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_a_clean_file_is_previewed_then_saved_on_confirm(logged_in):
    page = upload(logged_in, HEADER + "E1,V1,W1,2025-09-08T09:05,2025-09-08T09:50,phone,LATE\n").content.decode()
    assert "Ready to save: <strong>1</strong> new" in page
    assert not Attendance.objects.exists()  # the preview wrote nothing
    done = logged_in.post("/rota/ecm/upload/confirm/", follow=True).content.decode()
    assert "Saved: 1 new, 0 corrected, 0 unchanged attendances." in done
    a = Attendance.objects.get()
    assert a.check_in == datetime(2025, 9, 8, 8, 5, tzinfo=UTC) and a.method == "phone" and a.exception_code == "LATE"


@pytest.mark.django_db
def test_commissioners_and_care_workers_cannot_upload(client, officer, provider):
    from tests.conftest import make_user

    for user in (officer, make_user(provider, "care_worker")):
        client.force_login(user)
        assert client.get("/rota/ecm/upload/").status_code == 403
