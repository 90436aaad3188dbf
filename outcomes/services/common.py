"""What the outcomes services share: who acts, the audit context, new refs, errors by field."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterator
from datetime import date

import pghistory
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from commissioning.models import ApiToken, User


def actor_user(actor) -> User | None:
    """The user behind an action, when it is a person (not an API token or a job)."""
    return actor if isinstance(actor, User) else None


def actor_label(actor) -> str:
    if actor is None:
        return "homecare (automatic)"
    if isinstance(actor, ApiToken):
        return f"API token “{actor.name}”"
    token = getattr(actor, "token", None)
    if token is not None:
        return f"API token “{token.name}”"
    return str(actor)


@contextlib.contextmanager
def audited(actor, action: str) -> Iterator[None]:
    """Every row written inside carries who (user or token) and what in its audit event; a request's
    own context (url, user) is merged in by pghistory's middleware."""
    token = actor if isinstance(actor, ApiToken) else getattr(actor, "token", None)
    user = actor_user(actor)
    context: dict = {"action": action}
    if user is not None:
        context["user"] = user.pk
    if token is not None:
        context["token"] = token.pk
        context["token_name"] = token.name
    if actor is None:
        context["command"] = action
    with pghistory.context(**context):
        yield


def today_or(today: date | None) -> date:
    return today or timezone.localdate()


def next_ref(model: type[models.Model], provider_id: int, prefix: str) -> str:
    """`prefix-1`, `prefix-2`, ...: the first not used by the provider (callers hold a lock on the
    parent row, so two writers cannot pick the same one)."""
    used = set(
        model._default_manager.filter(provider_id=provider_id, ref__startswith=f"{prefix}-").values_list(
            "ref", flat=True
        )
    )
    n = 1
    while f"{prefix}-{n}" in used:
        n += 1
    return f"{prefix}-{n}"


class Errors:
    """Problems by field, all of them, raised together as one ValidationError (the form shows each
    beside its field; the API lists every one)."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = defaultdict(list)

    def add(self, field: str, message: str) -> None:
        self.by_field[field].append(message)

    def __contains__(self, field: str) -> bool:
        return field in self.by_field

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(dict(self.by_field))


def long_date(d: date) -> str:
    """3 March 2025: dates as people write them."""
    return f"{d.day} {d:%B %Y}"


def hours_text(h) -> str:
    return f"{h:.2f} hours a week"
