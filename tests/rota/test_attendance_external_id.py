"""An attendance's external id is unique per provider, by a partial unique index: attendances
without one (every attendance of a bundle import) get no index entry and never conflict."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from rota.models import Attendance
from tests.rota.test_ecm import make_visit, make_worker


@pytest.mark.django_db
def test_null_external_ids_never_conflict_and_a_repeated_one_is_rejected(provider, contract):
    visit = make_visit(provider, contract)
    w1, w2, w3 = make_worker(provider, "W1"), make_worker(provider, "W2"), make_worker(provider, "W3")
    # Two attendances of one provider without an external id: both accepted.
    Attendance.objects.create(provider=provider, visit=visit, worker=w1)
    Attendance.objects.create(provider=provider, visit=visit, worker=w2)
    # One with an external id, then another with the same one: rejected.
    Attendance.objects.create(provider=provider, visit=visit, worker=w3, external_id="E1")
    with pytest.raises(IntegrityError, match="attendance_unique_external_id"), transaction.atomic():
        Attendance.objects.create(
            provider=provider, visit=make_visit(provider, contract, "V2"), worker=w1, external_id="E1"
        )
    assert Attendance.objects.filter(provider=provider).count() == 3
    assert Attendance.objects.filter(provider=provider, external_id__isnull=True).count() == 2


@pytest.mark.django_db
def test_the_external_id_index_holds_only_rows_with_one():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'attendance_unique_external_id'")
        (indexdef,) = cursor.fetchone()
    assert "UNIQUE" in indexdef and "WHERE (external_id IS NOT NULL)" in indexdef
