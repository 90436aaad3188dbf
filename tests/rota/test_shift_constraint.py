"""One worker is never on two shifts at once, enforced by Postgres itself (an exclusion constraint)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction

from rota.models import Shift
from tests.rota.test_ecm import make_worker


def at(hour: int) -> datetime:
    return datetime(2025, 9, 8, hour, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_the_database_rejects_overlapping_shifts_of_one_worker(provider):
    worker = make_worker(provider)
    Shift.objects.create(provider=provider, ref="S1", worker=worker, start=at(7), end=at(14))
    with pytest.raises(IntegrityError, match="shift_no_overlap_per_worker"), transaction.atomic():
        Shift.objects.create(provider=provider, ref="S2", worker=worker, start=at(13), end=at(18))
    # Back to back is not an overlap, and another worker may work the same hours.
    Shift.objects.create(provider=provider, ref="S3", worker=worker, start=at(14), end=at(18))
    Shift.objects.create(provider=provider, ref="S4", worker=make_worker(provider, "W2"), start=at(7), end=at(14))
    assert Shift.objects.count() == 3
