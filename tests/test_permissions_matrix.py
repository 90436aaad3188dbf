"""Every URL of the platform x every persona -> the expected status and a body with nothing it must not
show (pretix's permission test, for HTML, API, the admin and the account pages alike). URLs are
discovered from the resolver, so a new URL without an entry in tests/matrix/<area>.py fails here by
name. See tests/matrix/README.md for the format and what the bodies are checked for.

Two passes: as configured for tests (every persona has TOTP set up and entered a code just now), and
with HOMECARE_REQUIRE_MFA on and nobody's TOTP set up (sessions must be sent to set it up, API calls
with a session refused; tokens and care workers unaffected).

The scenario (tests/matrix/_scenario.py) is built once and rolled back at the end; every request runs
in a savepoint of its own, so a POST by one persona does not change what the next one sees."""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.matrix
from tests.matrix import _scenario
from tests.matrix._personas import ALL_TOKENS, ANONYMOUS, MFA_EXEMPT, OTHER_ORGS, OTHER_PROVIDER, PERSONAS, SUPERUSER

# Static and media files are not views.
EXCLUDED_PREFIXES = ("static/", "media/")
# Pages that stay open without TOTP when it is required (where it is set up; load balancers).
MFA_OPEN_PREFIXES = ("accounts/", "health/")
DEFAULT_OK = frozenset({200, 201, 202, 204, 302, 303})
KNOWN_KEYS = {"allowed", "kwargs", "path", "method", "data", "ok", "object", "skip", "content_type"}


@dataclass(frozen=True)
class Url:
    key: str  # "namespace:name", or the route for an unnamed pattern
    route: str
    name: str | None


def _walk(resolver: URLResolver, prefix: str = "", ns: str | None = None):
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern).lstrip("^").rstrip("$")
        if isinstance(p, URLResolver):
            sub_ns = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from _walk(p, route, sub_ns)
        elif isinstance(p, URLPattern):
            name = f"{ns}:{p.name}" if ns and p.name else p.name
            yield Url(key=name or route, route=route, name=name)


def discovered_urls() -> dict[str, Url]:
    urls: dict[str, Url] = {}
    for url in _walk(get_resolver()):
        if url.route.startswith(EXCLUDED_PREFIXES):
            continue
        urls.setdefault(url.key, url)
    return urls


def load_expectations() -> tuple[dict[str, list[dict]], dict[str, str]]:
    expectations: dict[str, list[dict]] = {}
    origin: dict[str, str] = {}
    for info in pkgutil.iter_modules(tests.matrix.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"tests.matrix.{info.name}")
        for key, entry in getattr(module, "EXPECTATIONS", {}).items():
            if key in expectations:
                raise AssertionError(f"{key!r} is in both tests/matrix/{origin[key]}.py and {info.name}.py")
            entries = entry if isinstance(entry, list) else [entry]
            for e in entries:
                unknown = set(e) - KNOWN_KEYS
                assert not unknown, f"{info.name}.py {key!r}: unknown keys {unknown}"
                assert "allowed" in e or "skip" in e, f"{info.name}.py {key!r}: needs 'allowed' (or 'skip')"
            expectations[key] = entries
            origin[key] = info.name
    return expectations, origin


URLS = discovered_urls()
EXPECTATIONS, ORIGIN = load_expectations()


@pytest.fixture(scope="module")
def fx(django_db_setup, django_db_blocker):
    """The scenario, once for the whole matrix (each test's own transaction is a savepoint on it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _scenario.build()
        transaction.set_rollback(True)


def _is_api(url: Url) -> bool:
    return url.route.startswith("api/")


def _personas(url: Url) -> list[str]:
    return [p for p in PERSONAS if p not in ALL_TOKENS or _is_api(url)]


def _request(fx, url: Url, entry: dict, persona: str):
    client = Client()
    extra: dict[str, Any] = {}
    if persona in ALL_TOKENS:
        extra["HTTP_AUTHORIZATION"] = f"Token {fx.token_keys[persona]}"
    elif persona != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = fx.sessions[persona]
    kwargs = entry["kwargs"](fx) if "kwargs" in entry else {}
    path = entry["path"](fx) if "path" in entry else reverse(url.name, kwargs=kwargs)
    method = entry.get("method", "get").lower()
    data = entry.get("data", {})
    data = data(fx) if callable(data) else data
    content_type = entry.get("content_type", "application/json" if _is_api(url) else None)
    if method != "get" and content_type:
        extra["content_type"] = content_type
    return getattr(client, method)(path, data, **extra), path, bool(kwargs) or entry.get("object", False)


def _login_redirect(url: Url, response) -> bool:
    """A redirect to a login page: allauth's, or for the admin the admin's own (for a user who is not
    one of its users)."""
    location = response.get("Location", "")
    if response.status_code not in (301, 302, 303):
        return False
    if location.startswith(reverse(settings.LOGIN_URL)):
        return True
    return url.route.startswith("admin/") and location.startswith(reverse("admin:login"))


def _verdict(url: Url, entry: dict, persona: str, response, is_object: bool) -> str | None:
    """None when the response's status is what the expectation says, else a reason."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if persona in entry["allowed"]:
        ok = set(entry.get("ok", DEFAULT_OK))
        if status not in ok:
            return f"allowed, expected one of {sorted(ok)}, got {status}"
        if _login_redirect(url, response):
            return f"allowed, but redirected to login ({response['Location']})"
        return None
    if persona == SUPERUSER:
        return None  # held to an entry only where it names the superuser
    if persona == ANONYMOUS:
        if _is_api(url):
            return None if status in (401, 403) else f"anonymous API call must get 401/403, got {status}"
        if status == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL)):
            return None
        return f"anonymous must be redirected to login, got {status} {response.get('Location', '')}"
    if url.route.startswith("admin/") and _admin_refusal(response):
        return None
    if is_object and persona in OTHER_ORGS:
        return None if status == 404 else f"another organisation's object must be 404, got {status}"
    if status in (403, 404):
        return None
    return f"not allowed, expected 403/404, got {status}"


def _admin_refusal(response) -> bool:
    """The admin refuses whoever is not one of its users before it looks at any object (403, or a
    redirect to its login or index), and refuses a page to one of its users whatever object it
    names (403): neither tells an object's existence. Its users get 404 for another provider's row."""
    if response.status_code == 403:
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and location.startswith((reverse("admin:login"), reverse("admin:index")))


def _body(response) -> str | None:
    """The body as text, or None for a PDF (compressed: its text is checked by the PDF tests)."""
    if "pdf" in response.get("Content-Type", ""):
        return None
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def _leaks(fx, persona: str, response) -> list[str]:
    """What the body shows that the persona must not see, as "reason: marker" (tests/matrix/_scenario.py)."""
    body = _body(response)
    if not body:
        return []
    found = []
    for reason, markers in fx.markers[persona].items():
        for marker in markers:
            if marker.startswith("pattern:"):
                if re.search(marker.removeprefix("pattern:"), body):
                    found.append(f"{reason}: /{marker.removeprefix('pattern:')}/")
            elif marker in body:
                found.append(f"{reason}: {marker!r}")
    return found


def _check(fx, url: Url, entry: dict, persona: str, verdict) -> str | None:
    response, path, is_object = _request(fx, url, entry, persona)
    reason = verdict(url, entry, persona, response, is_object)
    leaks = _leaks(fx, persona, response)
    if leaks:
        reason = (reason + "; " if reason else "") + "body shows " + ", ".join(leaks)
    if reason:
        return f"{entry.get('method', 'get').upper()} {path} as {persona}: {reason}"
    return None


def test_every_url_has_an_expectation():
    missing = sorted(set(URLS) - set(EXPECTATIONS))
    assert not missing, "URLs with no entry in tests/matrix/<area>.py: " + ", ".join(missing)


def test_no_expectation_names_a_url_that_does_not_exist():
    stale = sorted(f"{k} (tests/matrix/{ORIGIN[k]}.py)" for k in set(EXPECTATIONS) - set(URLS))
    assert not stale, "Expectations for URLs that do not exist: " + ", ".join(stale)


def _entries(key: str) -> list[dict]:
    entries = EXPECTATIONS.get(key)
    assert entries is not None, f"{key} ({URLS[key].route}) has no entry in tests/matrix/<area>.py"
    return [e for e in entries if "skip" not in e]


@pytest.mark.parametrize("key", sorted(URLS))
def test_url_answers_each_persona_as_expected(key, fx, db):
    url = URLS[key]
    failures = []
    for entry in _entries(key):
        for persona in _personas(url):
            # Each persona acts on the same scenario: undo whatever its request wrote.
            with transaction.atomic():
                failure = _check(fx, url, entry, persona, _verdict)
                transaction.set_rollback(True)
            if failure:
                failures.append(failure)
    assert not failures, f"{key} ({ORIGIN[key]}.py):\n  " + "\n  ".join(failures)


def _mfa_verdict(url: Url, entry: dict, persona: str, response, is_object: bool) -> str | None:
    """With TOTP required and set up by nobody: a session that needs it is sent to set it up (HTML)
    or refused (API) before any page runs; the account pages stay open; tokens and care workers
    answer as in the first pass."""
    if persona in MFA_EXEMPT:
        return _verdict(url, entry, persona, response, is_object)
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if url.route.startswith(MFA_OPEN_PREFIXES):
        return None
    if _is_api(url):
        if status == 403 and response.json()["errors"][0]["message"].startswith("Set up two-factor authentication"):
            return None
        return f"a session without TOTP must get 403 from the API, got {status}"
    if status == 302 and response["Location"] == reverse("mfa_activate_totp"):
        return None
    return f"a session without TOTP must be sent to set it up, got {status} {response.get('Location', '')}"


@pytest.mark.parametrize("key", sorted(URLS))
def test_url_with_mfa_required_and_no_totp(key, fx, db):
    url = URLS[key]
    failures = []
    with override_settings(HOMECARE_REQUIRE_MFA=True), transaction.atomic():
        Authenticator.objects.filter(type=Authenticator.Type.TOTP).delete()
        for entry in _entries(key):
            for persona in _personas(url):
                with transaction.atomic():
                    failure = _check(fx, url, entry, persona, _mfa_verdict)
                    transaction.set_rollback(True)
                if failure:
                    failures.append(failure)
        transaction.set_rollback(True)
    assert not failures, f"{key} ({ORIGIN[key]}.py), with MFA required:\n  " + "\n  ".join(failures)


def test_the_markers_show_where_they_may(fx, db):
    """The body check is only as good as its markers: each one does show on a page of someone who
    may see it, so its absence from the others' bodies means something."""
    pages = {
        "provider_manager": [
            "/api/v1/bundles/export?provider=P1",
            "/reporting/returns/",
            "/reporting/invoices/",
            "/api/v1/invoices/",
            f"/reporting/returns/runs/{fx.run.pk}/",
            f"/reporting/invoices/{fx.trust_invoice.pk}/",
        ],
        OTHER_PROVIDER: ["/api/v1/bundles/export?provider=P2"],
        "commissioner_officer": ["/reporting/returns/", "/reporting/invoices/"],
        "outsider_commissioner": ["/commissioning/audit/"],
    }
    shown = ""
    for persona, paths in pages.items():
        for path in paths:
            client = Client()
            client.cookies[settings.SESSION_COOKIE_NAME] = fx.sessions[persona]
            response = client.get(path)
            assert response.status_code == 200, (persona, path, response.status_code)
            shown += _body(response)
    every_marker = {m for by_reason in fx.markers.values() for markers in by_reason.values() for m in markers}
    missing = sorted(
        m
        for m in every_marker
        if not (re.search(m.removeprefix("pattern:"), shown) if m.startswith("pattern:") else m in shown)
    )
    assert missing == []
