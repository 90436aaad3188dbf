"""Writes over the API are limited per token (HOMECARE_API_WRITE_RATE): past the limit a token gets 429
with the error body and Retry-After; another token, reads and sessions of other users go on. The
counts live in the shared cache (Redis in every setting but the tests'), so every web process sees
the same count."""

from __future__ import annotations

import redis
from django.core.cache.backends.redis import RedisCache
from django.test import Client, override_settings

from commissioning.api.authentication import hash_key
from commissioning.models import ApiToken
from tests.conftest_worker import REDIS_URL

URL = "/api/v1/ecm/attendances"
BODY = {"attendances": []}


def _client(org, name: str) -> Client:
    key = f"rate-{name}-0123456789abcdef"
    ApiToken.objects.create(organisation=org, name=name, prefix=key[:12], key_hash=hash_key(key), scope="write")
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def _post(client) -> int:
    return client.post(URL, BODY, content_type="application/json").status_code


@override_settings(HOMECARE_API_WRITE_RATE="3/min")
def test_a_token_past_its_write_rate_gets_429_and_others_go_on(provider, other_provider):
    ecm, other = _client(provider, "ecm"), _client(other_provider, "other")
    assert [_post(ecm) for _ in range(3)] == [200, 200, 200]
    refused = ecm.post(URL, BODY, content_type="application/json")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    [error] = refused.json()["errors"]
    assert error["path"] == "" and error["message"].startswith("Request was throttled.")
    assert ecm.get("/api/v1/returns/").status_code == 200  # reads are not limited
    assert _post(other) == 200  # another token has its own count


REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "hostile-rate-test",
    }
}


@override_settings(HOMECARE_API_WRITE_RATE="2/min", CACHES=REDIS_CACHE)
def test_the_count_is_shared_through_redis(provider):
    server = redis.Redis.from_url(REDIS_URL)
    try:
        ecm = _client(provider, "ecm")
        assert [_post(ecm) for _ in range(2)] == [200, 200]
        token = ApiToken.objects.get(name="ecm")
        # Another web process has a connection of its own to the same Redis: it sees both writes.
        elsewhere = RedisCache(REDIS_URL, {"KEY_PREFIX": "hostile-rate-test"})
        assert len(elsewhere.get(f"throttle:api_write:token:{token.pk}")) == 2
        assert _post(ecm) == 429
    finally:
        for key in server.scan_iter("hostile-rate-test:*"):
            server.delete(key)
