"""However often a return without its PDF is asked for (the page, the API, a script polling it), the
worker is asked to render it once per version of the return. The tasks are counted where they wait:
in the Redis queue, with no worker consuming it."""

from __future__ import annotations

from datetime import date

import pytest
import redis
from django.test import Client

from commissioning.api.authentication import hash_key
from commissioning.models import ApiToken
from reporting.returns.services import weekly_return_compute, weekly_return_submit
from tests.conftest import PASSWORD
from tests.conftest_worker import REDIS_URL, _reset_connections

WEEK = date(2025, 9, 8)
QUEUE = "hostile-test-pdf-once"  # a queue no worker listens to


@pytest.fixture
def queued():
    """This process's Celery app sends to Redis (not eagerly), to a queue nobody consumes; yields a
    function that counts the tasks waiting there."""
    from homecare.celery import app

    keys = ("task_always_eager", "broker_url", "result_backend", "task_default_queue")
    saved = {k: app.conf[k] for k in keys}
    app.conf.update(task_always_eager=False, broker_url=REDIS_URL, result_backend=REDIS_URL, task_default_queue=QUEUE)
    _reset_connections(app)
    queue = redis.Redis.from_url(REDIS_URL)
    queue.delete(QUEUE)
    try:
        yield lambda: queue.llen(QUEUE)
    finally:
        queue.delete(QUEUE)
        app.conf.update(saved)
        _reset_connections(app)


def test_a_return_without_its_pdf_is_rendered_once_however_often_it_is_asked_for(
    contract, manager, queued, django_capture_on_commit_callbacks
):
    wr = weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    assert queued() == 0
    key = "key-P1-pdf-once-0123456789"
    ApiToken.objects.create(organisation=contract.provider, name="ecm", prefix=key[:12], key_hash=hash_key(key))
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    web = Client()
    assert web.login(email=manager.email, password=PASSWORD)

    # In the test's transaction, tasks are queued when the callbacks run (as at a real commit).
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(10):
            response = api.get(f"/api/v1/returns/{wr.pk}/?format=pdf")
            assert response.status_code == 404
            assert response.json() == {
                "errors": [{"path": "", "message": "The PDF is being prepared; try again shortly."}]
            }
            assert web.get(f"/reporting/returns/{wr.pk}/return.pdf").status_code == 404  # "being prepared" page
    assert queued() == 1

    # Signed off, it is new content ("submitted" on the PDF): one more task, however often asked.
    with django_capture_on_commit_callbacks(execute=True):
        weekly_return_submit(weekly_return_id=wr.pk, actor=manager)
        for _ in range(5):
            assert api.get(f"/api/v1/returns/{wr.pk}.pdf").status_code == 404
    assert queued() == 2
