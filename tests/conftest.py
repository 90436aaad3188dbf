"""Shared fixtures: organisations and role personas. `other_provider_user` must never see
`provider`'s data; `outsider_commissioner` commissions nothing of it."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM must still work there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from commissioning.models import Contract, Lot, LotRate, Neighbourhood, Organisation, Role, User  # noqa: E402
from tests.conftest_worker import celery_worker_process, celery_worker_session  # noqa: E402, F401 - a real worker

PASSWORD = "correct horse battery staple"
APP_ROLE_SQL = Path(__file__).resolve().parent.parent / "scripts" / "db-init" / "10-app-role.sql"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The suite runs as the application's role, like the web server and the worker: the test
    database is created and migrated by its owner (pytest-django), given the role's grants, and then
    the default connection reconnects as the role. The owner keeps what is the owner's alone:
    emptying the tables after a transactional test (TRUNCATE) and dropping the database."""
    from django.conf import settings
    from django.db import connection, connections
    from django.db.backends.postgresql.operations import DatabaseOperations

    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(APP_ROLE_SQL.read_text())
        owner = connection.get_connection_params()
    settings_dict = connection.settings_dict
    saved = settings_dict["USER"], settings_dict["PASSWORD"]
    flush = DatabaseOperations.execute_sql_flush

    def flush_as_owner(self, sql_list):
        if self.connection.settings_dict.get("USER") != settings.APP_DB_ROLE:
            return flush(self, sql_list)
        with psycopg.connect(**owner, autocommit=True) as conn:
            conn.execute("; ".join(sql_list))

    connection.close()
    settings_dict["USER"], settings_dict["PASSWORD"] = settings.APP_DB_ROLE, ""
    DatabaseOperations.execute_sql_flush = flush_as_owner
    try:
        yield
    finally:
        DatabaseOperations.execute_sql_flush = flush
        connections.close_all()  # the maintenance connection too: the database is dropped next
        settings_dict["USER"], settings_dict["PASSWORD"] = saved


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits (API writes, logins) count in the cache: each test starts with none used."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def council(db):
    return Organisation.objects.create(kind="commissioner", ref="LCC", name="City Council")


@pytest.fixture
def trust(db):
    return Organisation.objects.create(kind="commissioner", ref="NHS", name="Community NHS Trust")


@pytest.fixture
def outsider_commissioner(db):
    return Organisation.objects.create(kind="commissioner", ref="FAR", name="Faraway Council")


@pytest.fixture
def provider(db):
    return Organisation.objects.create(kind="provider", ref="P1", name="Provider One", on_cost_factor=Decimal("1.25"))


@pytest.fixture
def other_provider(db):
    return Organisation.objects.create(kind="provider", ref="P2", name="Provider Two", on_cost_factor=Decimal("1.25"))


@pytest.fixture
def neighbourhood(db):
    return Neighbourhood.objects.create(ref="AREA1", name="Area 1", wards=["Armley"])


def make_contract(provider, neighbourhood, council, trust, ref="C-P1"):
    contract = Contract.objects.create(
        provider=provider,
        ref=ref,
        neighbourhood=neighbourhood,
        model="prime_provider",
        start=date(2025, 7, 7),
        settlement="four_weekly",
    )
    for number, commissioner in ((1, council), (2, trust)):
        lot = Lot.objects.create(
            provider=provider,
            contract=contract,
            number=number,
            name=f"Lot {number}",
            commissioner=commissioner,
            expected_weekly_hours=Decimal("90"),
        )
        LotRate.objects.create(provider=provider, lot=lot, effective_from=contract.start, hourly_rate=Decimal("26.22"))
    return contract


@pytest.fixture
def contract(provider, neighbourhood, council, trust):
    return make_contract(provider, neighbourhood, council, trust)


@pytest.fixture
def other_contract(other_provider, neighbourhood, council, trust):
    return make_contract(other_provider, neighbourhood, council, trust, ref="C-P2")


def make_user(org, *roles, email=None, **extra):
    email = email or f"{'-'.join(roles) or 'none'}@{org.ref.lower() if org else 'platform'}.example"
    return User.objects.create_user(
        email=email, password=PASSWORD, name=email.split("@")[0], organisation=org, roles=list(roles), **extra
    )


@pytest.fixture
def manager(provider):
    return make_user(provider, Role.PROVIDER_MANAGER, is_org_admin=True)


@pytest.fixture
def coordinator(provider):
    return make_user(provider, Role.COORDINATOR)


@pytest.fixture
def officer(council):
    return make_user(council, Role.COMMISSIONER_OFFICER, is_org_admin=True)


@pytest.fixture
def other_provider_user(other_provider):
    return make_user(other_provider, Role.PROVIDER_MANAGER)


@pytest.fixture
def outsider_officer(outsider_commissioner):
    return make_user(outsider_commissioner, Role.COMMISSIONER_OFFICER)
