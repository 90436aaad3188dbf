"""Expectations for the foundation's URLs: home, health, API schema/docs, organisation admin, Celery check."""

from __future__ import annotations

from tests.matrix._personas import ANONYMOUS, LOGGED_IN, TOKENS

EXPECTATIONS: dict = {
    "home": {"allowed": LOGGED_IN},
    # Load balancers call it without credentials.
    "health": {"allowed": LOGGED_IN | {ANONYMOUS} | TOKENS},
    "api-schema": {"allowed": LOGGED_IN | TOKENS},
    "api-docs": {"allowed": LOGGED_IN | TOKENS},
}
