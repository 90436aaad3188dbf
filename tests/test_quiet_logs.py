"""A 404 or a 403 is one line in the log, not a traceback; a crash keeps its traceback. Read from
the handler the settings configure (what `make run`, gunicorn and the worker print)."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client
from django.urls import path

from commissioning.models import Role
from homecare import urls as site_urls
from tests.conftest import PASSWORD, make_user


@pytest.fixture
def log_lines():
    """What the configured console handler writes, line by line."""
    handler = next(h for h in logging.getLogger("django").handlers if isinstance(h, logging.StreamHandler))
    buffer = io.StringIO()
    old = handler.setStream(buffer)
    yield lambda: [line for line in buffer.getvalue().splitlines() if line.strip()]
    handler.setStream(old)


def _client(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_a_page_that_does_not_exist_is_one_line(manager, log_lines):
    response = _client(manager).get("/reporting/returns/987654/")
    assert response.status_code == 404
    assert len(log_lines()) == 1
    assert log_lines()[0].endswith("WARNING django.request: Not Found: /reporting/returns/987654/")


def test_a_page_the_role_may_not_see_is_one_line_with_the_reason(provider, log_lines):
    carer = make_user(provider, Role.CARE_WORKER)
    response = _client(carer).get("/reporting/returns/")
    assert response.status_code == 403
    lines = log_lines()
    assert len(lines) == 1 and "Traceback" not in "".join(lines)
    assert lines[0].endswith(
        "WARNING django.request: Forbidden (Permission denied): /reporting/returns/: "
        "Your role does not give access to monitoring returns."
    )


def test_api_refusals_are_one_line_each(provider, log_lines):
    carer = make_user(provider, Role.CARE_WORKER)
    client = _client(carer)
    assert client.get("/api/v1/invoices/").status_code == 403
    assert client.get("/api/v1/invoices/987654/").status_code in (403, 404)
    assert Client().get("/api/v1/invoices/").status_code in (401, 403)
    lines = log_lines()
    assert len(lines) == 3, lines
    assert all(" WARNING django.request: " in line for line in lines)
    assert lines[0].endswith("Forbidden: /api/v1/invoices/")


def crash(request):
    raise RuntimeError("a bug of ours")


urlpatterns = [path("crash/", crash), *site_urls.urlpatterns]


@pytest.mark.urls(__name__)
def test_a_crash_keeps_its_traceback(manager, log_lines):
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    response = client.get("/crash/")
    assert response.status_code == 500
    text = "\n".join(log_lines())
    assert "ERROR django.request: Internal Server Error: /crash/" in text
    assert "Traceback (most recent call last)" in text and "RuntimeError: a bug of ours" in text
