"""/health/ for load balancers: no login, 200 when PostgreSQL and Redis answer, 503 when one does not."""

from __future__ import annotations


def test_health_is_ok_when_database_and_redis_answer(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_is_503_when_redis_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "error: ConnectionError"}
