"""What an attacker meets on every API URL (discovered from the resolver, as the permission matrix
does, so a new endpoint is covered without touching this file): deeply nested JSON, a body over the
size limit, ids that are not integers or do not exist. Every answer is the API's JSON error body
{"errors": [{"path", "message"}]}, never a 500 and never Django's HTML page."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import Client, override_settings

from tests import test_permissions_matrix as matrix
from tests.test_permissions_matrix import URLS

fx = matrix.fx  # the permission matrix's scenario (a fixture)
API_URLS = sorted(key for key, url in URLS.items() if url.route.startswith("api/"))
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
WRITE_METHODS = ("post", "put", "patch", "delete")
NESTED = b"[" * 50_000


def _path(route: str, value: str) -> str:
    return "/" + CONVERTER.sub(value, route)


def _assert_json_error(response, *, statuses: set[int] | None = None, where: str = "") -> dict:
    assert response.status_code < 500, f"{where}: {response.status_code}"
    if statuses is not None:
        assert response.status_code in statuses, f"{where}: {response.status_code} not in {statuses}"
    assert response["Content-Type"].startswith("application/json"), f"{where}: {response['Content-Type']}"
    body = response.json()
    assert isinstance(body.get("errors"), list) and body["errors"], f"{where}: {body}"
    assert all(set(e) == {"path", "message"} for e in body["errors"]), f"{where}: {body}"
    return body


def _token_clients(fx) -> dict[str, Client]:
    return {
        persona: Client(HTTP_AUTHORIZATION=f"Token {key}")
        for persona, key in fx.token_keys.items()  # a provider's and a commissioner's
    }


def test_there_are_api_urls_to_try():
    assert len(API_URLS) >= 10  # returns, runs, invoices and their files, bundles, ECM, schema, docs


@pytest.mark.parametrize("key", API_URLS)
def test_deeply_nested_json_is_a_400_with_the_error_body(key, fx, db):
    route = URLS[key].route
    for persona, client in _token_clients(fx).items():
        for method in WRITE_METHODS:
            with transaction.atomic():
                # An id no row has: with "1", a run on a fresh database hits the scenario's own first row
                # and a DELETE (which reads no body) succeeds.
                response = getattr(client, method)(_path(route, "987654"), NESTED, content_type="application/json")
                transaction.set_rollback(True)
            # 400 where the body is read; 403/404/405 where it is refused before that.
            _assert_json_error(response, statuses={400, 403, 404, 405}, where=f"{method} {route} as {persona}")


@pytest.mark.parametrize("key", API_URLS)
def test_an_id_that_is_not_an_integer_is_a_json_404(key, fx, db):
    route = URLS[key].route
    if not CONVERTER.search(route):
        pytest.skip("takes no id")
    if "(?P<" in route:
        pytest.skip("a regular expression route: the ids it takes are its pattern's (tested in the returns API)")
    for persona, client in _token_clients(fx).items():
        for bad in ("abc", "-1", "1.5", "%00", "1e3", "９", "99999999999999999999999"):
            path = _path(route, bad)
            _assert_json_error(client.get(path), statuses={404}, where=f"GET {path} as {persona}")
        path = _path(route, "987654")  # an integer, but no such object
        _assert_json_error(client.get(path), statuses={404}, where=f"GET {path} as {persona}")


@pytest.mark.django_db
def test_unknown_api_paths_and_methods_answer_in_json():
    client = Client()
    _assert_json_error(client.get("/api/v1/no-such-thing/"), statuses={404})
    _assert_json_error(client.get("/api/v1/returns/abc.csv"), statuses={404})
    # Outside the API, a missing page is still an HTML page.
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


def test_nesting_inside_an_ecm_batch_is_refused_whole(fx, db):
    client = _token_clients(fx)["provider_token"]
    body = b'{"attendances": ' + b"[" * 5_000 + b"]" * 5_000 + b"}"
    errors = _assert_json_error(
        client.post("/api/v1/ecm/attendances", body, content_type="application/json"), statuses={400}
    )["errors"]
    assert "nested deeper than 32 levels" in errors[0]["message"]


def test_json_that_python_cannot_write_back_is_refused(fx, db):
    client = _token_clients(fx)["provider_token"]
    for body in (
        b'{"contract": NaN}',
        b'{"contract": 1e999}',
        b'{"contract": Infinity}',
        b'{"week": 1' + b"0" * 5000 + b"}",
    ):
        _assert_json_error(
            client.post("/api/v1/returns/recompute", body, content_type="application/json"),
            statuses={400},
            where=body[:30].decode(),
        )


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_json_body_over_the_limit_is_a_413_naming_the_setting(fx, db):
    client = _token_clients(fx)["provider_token"]
    body = b'{"contract": "' + b"x" * 20_000 + b'", "week": "2025-W37"}'
    errors = _assert_json_error(
        client.post("/api/v1/returns/recompute", body, content_type="application/json"), statuses={413}
    )["errors"]
    assert errors[0]["message"] == (
        "The request body is larger than 10,000 bytes (DATA_UPLOAD_MAX_MEMORY_SIZE); send less at a time."
    )
    # A form body over Django's own limit (its parser refuses it) gets the same answer, not an HTML page.
    form = {"contract": "x" * 20_000}
    response = client.post("/api/v1/returns/recompute", form)  # multipart
    _assert_json_error(response, statuses={413, 415})


def test_a_body_that_is_not_json_is_a_415_in_json(fx, db):
    client = _token_clients(fx)["provider_token"]
    response = client.post("/api/v1/returns/recompute", "contract=C-P1", content_type="text/plain")
    _assert_json_error(response, statuses={415})


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
@pytest.mark.parametrize("key", API_URLS)
def test_a_body_over_the_limit_gets_the_json_error_on_every_api_url(key, fx, db):
    route = URLS[key].route
    big = b'{"x": "' + b"y" * 20_000 + b'"}'
    for persona, client in _token_clients(fx).items():
        for method in ("post", "put"):
            with transaction.atomic():
                response = getattr(client, method)(_path(route, "1"), big, content_type="application/json")
                transaction.set_rollback(True)
            # 413 where the body is read with the API's limit; the ECM batch has a larger limit of its
            # own (a 400 for this body), the bundle import its own reader; refused earlier: 403/404/405.
            _assert_json_error(response, statuses={400, 403, 404, 405, 413}, where=f"{method} {route} as {persona}")
