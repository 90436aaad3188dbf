"""Every URL of the platform x every persona -> the expected status (pretix's permission test, for
HTML and API alike). URLs are discovered from the resolver, so a new URL without an entry in
tests/matrix/<area>.py fails here by name. See tests/matrix/README.md for the format."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.matrix
from commissioning.api.authentication import hash_key
from commissioning.models import COMMISSIONER_ROLES, PROVIDER_ROLES, ApiToken, Role
from tests.conftest import make_contract, make_user
from tests.matrix._personas import (
    ANONYMOUS,
    COMMISSIONER_TOKEN,
    OTHER_ORGS,
    OTHER_PROVIDER,
    OUTSIDER_COMMISSIONER,
    PERSONAS,
    PROVIDER_TOKEN,
    TOKENS,
)

# Not ours to police here: allauth's pages are public by design, the Django admin has its own test
# (tests/commissioning/test_admin_access.py) and static files are not views.
EXCLUDED_PREFIXES = ("admin/", "accounts/", "static/", "media/")
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
            # DRF's format-suffix duplicates (`.json`) share the view and the permission of the plain one.
            if "format" in p.pattern.regex.groupindex:
                continue
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


def _token(org, persona: str) -> tuple[ApiToken, str]:
    key = f"matrix-{persona}-key"
    token = ApiToken.objects.create(organisation=org, name=persona, prefix=key[:12], key_hash=hash_key(key))
    return token, key


@pytest.fixture
def fx(provider, other_provider, council, trust, outsider_commissioner, neighbourhood):
    contract = make_contract(provider, neighbourhood, council, trust)
    other_contract = make_contract(other_provider, neighbourhood, council, trust, ref="C-P2")
    users = {str(role.value): make_user(provider, role) for role in PROVIDER_ROLES}
    users.update({str(role.value): make_user(council, role) for role in COMMISSIONER_ROLES})
    for admin in (Role.PROVIDER_MANAGER, Role.COMMISSIONER_OFFICER):
        users[admin].is_org_admin = True
        users[admin].save(update_fields=["is_org_admin"])
    users[OTHER_PROVIDER] = make_user(
        other_provider, Role.PROVIDER_MANAGER, Role.COORDINATOR, email="other@p2.example", is_org_admin=True
    )
    users[OUTSIDER_COMMISSIONER] = make_user(
        outsider_commissioner,
        Role.COMMISSIONER_OFFICER,
        Role.SOCIAL_WORKER,
        email="outsider@far.example",
        is_org_admin=True,
    )
    tokens = {PROVIDER_TOKEN: _token(provider, PROVIDER_TOKEN), COMMISSIONER_TOKEN: _token(council, COMMISSIONER_TOKEN)}
    return SimpleNamespace(
        provider=provider,
        other_provider=other_provider,
        council=council,
        trust=trust,
        outsider_commissioner=outsider_commissioner,
        neighbourhood=neighbourhood,
        contract=contract,
        other_contract=other_contract,
        users=users,
        tokens={k: t for k, (t, _) in tokens.items()},
        token_keys={k: key for k, (_, key) in tokens.items()},
    )


def _request(fx, url: Url, entry: dict, persona: str):
    client = Client()
    headers: dict[str, str] = {}
    if persona in TOKENS:
        headers["HTTP_AUTHORIZATION"] = f"Token {fx.token_keys[persona]}"
    elif persona != ANONYMOUS:
        client.force_login(fx.users[persona])
    kwargs = entry["kwargs"](fx) if "kwargs" in entry else {}
    path = entry["path"](fx) if "path" in entry else reverse(url.name, kwargs=kwargs)
    method = entry.get("method", "get").lower()
    data = entry.get("data", {})
    data = data(fx) if callable(data) else data
    is_api = url.route.startswith("api/")
    content_type = entry.get("content_type", "application/json" if is_api else None)
    extra: dict[str, Any] = dict(headers)
    if method != "get" and content_type:
        extra["content_type"] = content_type
    return getattr(client, method)(path, data, **extra), path, bool(kwargs) or entry.get("object", False)


def _verdict(url: Url, entry: dict, persona: str, response, is_object: bool) -> str | None:
    """None when the response is what the expectation says, else a reason."""
    status = response.status_code
    is_api = url.route.startswith("api/")
    login_url = reverse(settings.LOGIN_URL)
    location = response.get("Location", "")
    if persona in entry["allowed"]:
        ok = set(entry.get("ok", DEFAULT_OK))
        if status not in ok:
            return f"allowed, expected one of {sorted(ok)}, got {status}"
        if status in (301, 302, 303) and location.startswith(login_url):
            return f"allowed, but redirected to login ({location})"
        return None
    if persona == ANONYMOUS:
        if is_api:
            return None if status in (401, 403) else f"anonymous API call must get 401/403, got {status}"
        if status == 302 and location.startswith(login_url):
            return None
        return f"anonymous must be redirected to login, got {status} {location}"
    if is_object and persona in OTHER_ORGS:
        return None if status == 404 else f"another organisation's object must be 404, got {status}"
    return None if status in (403, 404) else f"not allowed, expected 403/404, got {status}"


def test_every_url_has_an_expectation():
    missing = sorted(set(URLS) - set(EXPECTATIONS))
    assert not missing, "URLs with no entry in tests/matrix/<area>.py: " + ", ".join(missing)


def test_no_expectation_names_a_url_that_does_not_exist():
    stale = sorted(f"{k} (tests/matrix/{ORIGIN[k]}.py)" for k in set(EXPECTATIONS) - set(URLS))
    assert not stale, "Expectations for URLs that do not exist: " + ", ".join(stale)


@pytest.mark.parametrize("key", sorted(URLS))
def test_url_answers_each_persona_as_expected(key, fx):
    url = URLS[key]
    entries = EXPECTATIONS.get(key)
    assert entries is not None, f"{key} ({url.route}) has no entry in tests/matrix/<area>.py"
    failures = []
    for entry in entries:
        if "skip" in entry:
            continue
        personas = [p for p in PERSONAS if p not in TOKENS or url.route.startswith("api/")]
        for persona in personas:
            # Each persona acts on the same scenario: undo whatever its request wrote.
            with transaction.atomic():
                response, path, is_object = _request(fx, url, entry, persona)
                reason = _verdict(url, entry, persona, response, is_object)
                transaction.set_rollback(True)
            if reason:
                failures.append(f"{entry.get('method', 'get').upper()} {path} as {persona}: {reason}")
    assert not failures, f"{key} ({ORIGIN[key]}.py):\n  " + "\n  ".join(failures)
