"""A real Celery worker on a real Redis: a task sent from this process comes back from the worker,
and the worker reads the same (test) database."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commissioning.models import Organisation
from commissioning.tasks import organisation_count
from homecare.tasks import ping

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_task_round_trips_through_a_real_worker(celery_worker_process):
    result = ping.delay()
    assert result.get(timeout=20) == "pong"
    assert "homecare.tasks.ping" in celery_worker_process.output()


def test_the_worker_reads_the_test_database(celery_worker_process):
    Organisation.objects.create(kind="provider", ref="P9", name="Nine")
    Organisation.objects.create(kind="commissioner", ref="C9", name="Council Nine")
    assert organisation_count.delay().get(timeout=20) == 2


def test_the_system_check_page_gets_pong_from_the_worker(client, manager, celery_worker_process):
    client.force_login(manager)
    response = client.post(reverse("commissioning:system-check"))
    assert "The Celery worker answered “pong”." in response.content.decode()
