"""Which connection a piece of work uses. The web server and the Celery worker use `default`: the
application's role, which owns nothing and cannot switch the database's rules off. The command
line's bulk loads (import_bundle, seed_demo, bench) use `maintenance`, the owner of the tables, when
the process was started with DATABASE_MAINTENANCE_URL (see homecare/settings/base.py): a first load
as the owner may skip per-row triggers and build indexes after the rows (docs/bundle.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

MAINTENANCE = "maintenance"


def maintenance_alias() -> str:
    """The maintenance connection's alias where this process has one, else the default one."""
    return MAINTENANCE if MAINTENANCE in settings.DATABASES else DEFAULT_DB_ALIAS
