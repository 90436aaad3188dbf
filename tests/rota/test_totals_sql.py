"""The database runs the totals SQL that rota/sql/*.sql says it runs. Migrations apply frozen copies
(rota/migrations/sql/), so an edit of rota/sql/*.sql without a new migration carrying a copy of it
would leave the live functions and triggers behind the file: this test then fails."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

import rota

# Running the files is DDL: the owner's (the maintenance role), never the application's.
pytestmark = pytest.mark.django_db(databases=["default", "maintenance"])

SQL_DIR = Path(rota.__file__).resolve().parent / "sql"
FILES = sorted(SQL_DIR.glob("*.sql"))

# Every function the database has under rota's prefix, with its full definition (body, comments
# and SET clauses included), and every trigger that runs one of them, with its definition and
# whether it fires always.
FUNCTIONS = """
    SELECT p.proname, pg_get_functiondef(p.oid)
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = current_schema() AND p.proname LIKE 'rota\\_%'
    ORDER BY 1, 2
"""
TRIGGERS = """
    SELECT t.tgname, pg_get_triggerdef(t.oid), t.tgenabled::text
    FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
    WHERE NOT t.tgisinternal AND p.proname LIKE 'rota\\_%'
    ORDER BY 1, 2
"""


def _live(conn=connection) -> tuple[list[tuple], list[tuple]]:
    with conn.cursor() as cursor:
        cursor.execute(FUNCTIONS)
        functions = cursor.fetchall()
        cursor.execute(TRIGGERS)
        return functions, cursor.fetchall()


def _declared(pattern: str) -> set[str]:
    return {name for path in FILES for name in re.findall(pattern, path.read_text())}


def test_the_totals_sql_files_are_there():
    assert [p.name for p in FILES] == ["shift_totals.sql", "visit_totals.sql"]


def test_the_live_functions_and_triggers_are_exactly_those_of_rota_sql():
    functions, triggers = _live()
    # The same names: nothing an older migration made is left over, nothing in the files is missing.
    assert {name for name, _ in functions} == _declared(r"CREATE OR REPLACE FUNCTION (rota_\w+)\(")
    assert {name for name, _, _ in triggers} == _declared(r"CREATE OR REPLACE TRIGGER (\w+) ")

    # The same definitions: running the files again (they are idempotent) changes nothing.
    owner = connections["maintenance"]
    with transaction.atomic(using="maintenance"):
        with owner.cursor() as cursor:
            for path in FILES:
                cursor.execute(path.read_text())
        again_functions, again_triggers = _live(owner)
        transaction.set_rollback(True, using="maintenance")
    changed = [name for (name, old), (_, new) in zip(functions, again_functions, strict=True) if old != new]
    assert not changed, (
        f"rota/sql/*.sql defines {changed} differently from the database the migrations built: "
        "add a migration that runs a frozen copy of the edited file (rota/migrations/sql/)"
    )
    assert again_triggers == triggers  # every trigger on the same function, firing ALWAYS ("A")
    assert {enabled for _, _, enabled in triggers} == {"A"}
