"""The demo commands write made-up people and well-known passwords: never under production settings."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError


def refuse_in_production(command: str) -> None:
    if settings.HOMECARE_PRODUCTION:
        raise CommandError(
            f"{command} refuses to run under production settings: it writes demo data and demo logins "
            "with a published password. Use it on a development or test installation."
        )
