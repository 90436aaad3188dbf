"""The benchmarks' own databases: created, and dropped with --fresh, by the maintenance role (the
application's role may not create databases), which then migrates and loads them."""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import quote

from django.conf import settings

from homecare.lib.db import maintenance_alias


def _db() -> dict:
    return settings.DATABASES[maintenance_alias()]


def database_url(name: str) -> str:
    """A URL of database `name` as the maintenance role."""
    db = _db()
    auth = quote(db.get("USER") or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


def ensure_database(name: str, *, fresh: bool) -> None:
    """Create database `name` if missing (dropping it first with `fresh`)."""
    import psycopg

    db = _db()
    admin = dict(
        host=db.get("HOST") or "127.0.0.1", port=db.get("PORT") or 5432, user=db.get("USER"), dbname="postgres"
    )
    if db.get("PASSWORD"):
        admin["password"] = db["PASSWORD"]
    with psycopg.connect(**admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def migrated_database(name: str, *, fresh: bool, count_sql: str) -> int:
    """Database `name` created if missing and migrated; `count_sql`'s count of what a benchmark
    seeded there before (0: seed it)."""
    import psycopg

    ensure_database(name, fresh=fresh)
    url = database_url(name)
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env={**os.environ, "DATABASE_URL": url}, check=True)
    with psycopg.connect(url) as conn:
        return conn.execute(count_sql).fetchone()[0]
