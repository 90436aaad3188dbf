"""A big first load into empty rota tables builds their indexes once, after the rows are in.

Keeping a table's secondary indexes up to date row by row costs more than writing the rows: for a
city month, 5.3 s of the import's transaction went on the shifts', visits' and attendances'
indexes (1.5 s on the shifts' GiST exclusion constraint alone), where building the same indexes
over the finished tables takes about 1.5 s of sorting. PostgreSQL's own advice for populating a
database is the same ("Remove Indexes", "Populating a Database" in its manual); pg_restore does it.

So, when every rota table is empty, the import's transaction (parallel.py only: a big file imported
on its own) locks them, drops their indexes and unique and exclusion constraints except the primary
keys (which foreign keys point at), writes, and then builds each one again from its own definition,
read from the catalogue: same names, same columns, same conditions. Nothing is given up:

* the rebuilt unique and exclusion constraints check every row, so a duplicate or an overlap the
  cross-record checks missed still fails the import, which rolls back whole;
* it is all in the import's transaction: a rollback restores the indexes as they were;
* nobody else can write, or read a half-indexed table, meanwhile: the tables are locked ACCESS
  EXCLUSIVE until the commit. They are empty, so a reader waits for a first load rather than
  seeing none of it. Where a lock cannot be had within LOCK_TIMEOUT (someone is reading or
  writing them), the import keeps the indexes and writes row by row as before.

A rota that holds any row (a second month, another provider's first load) keeps its indexes."""

from __future__ import annotations

import psycopg

from homecare.lib.sql import sql_loader

sql = sql_loader(__file__)

# Parents first: the lock order of every import, so two first loads cannot deadlock.
TABLES = ("rota_shift", "rota_visit", "rota_attendance", "rota_shifttotals", "rota_visittotals")

# How long to wait for the tables' locks before writing with the indexes in place instead.
LOCK_TIMEOUT = "2s"


def _empty_sql() -> str:
    return "SELECT " + " AND ".join(f"NOT EXISTS (SELECT 1 FROM {t})" for t in TABLES)


class Deferred:
    """What `defer` did: the statements building again the indexes it dropped, by table, until
    `rebuild` runs them; `locked`, whether it found the rota tables empty and holds them locked."""

    def __init__(self, statements: dict[str, list[str]] | None = None):
        self.statements = statements or {}
        self.locked = bool(self.statements)

    def rebuild(self, cursor, tables: tuple[str, ...] = TABLES) -> None:
        """Build again the indexes dropped from `tables`, once their rows are all written."""
        for table in tables:
            for sql in self.statements.pop(table, ()):
                cursor.execute(sql)


def defer(cursor) -> Deferred:
    """In the import's transaction (a psycopg cursor), before it writes any rota row: when every rota
    table is empty, lock them and drop their secondary indexes and constraints; else nothing is
    changed (and nothing is locked)."""
    cursor.execute(
        _empty_sql() + " AND (SELECT bool_and(pg_has_role(relowner, 'USAGE')) FROM pg_class "
        "WHERE oid = ANY(%s::regclass[]))",
        [list(TABLES)],
    )
    if not cursor.fetchone()[0]:  # rows stored, or a role that may not alter the tables
        return Deferred()
    cursor.execute("SELECT current_setting('lock_timeout')")
    previous = cursor.fetchone()[0]
    cursor.execute("SAVEPOINT bundle_indexes")
    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
    try:
        cursor.execute(f"LOCK TABLE {', '.join(TABLES)} IN ACCESS EXCLUSIVE MODE")
    except psycopg.errors.LockNotAvailable:
        cursor.execute("ROLLBACK TO SAVEPOINT bundle_indexes")  # the lock_timeout before it comes back too
        return Deferred()
    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    cursor.execute("RELEASE SAVEPOINT bundle_indexes")
    cursor.execute(_empty_sql())  # again, now that nobody else can write them
    if not cursor.fetchone()[0]:
        return Deferred()
    cursor.execute(sql("rota_index_definitions"), {"tables": list(TABLES)})
    statements: dict[str, list[str]] = {}
    for table, index, constraint, condef, indexdef in cursor.fetchall():
        if constraint:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
            statements.setdefault(table, []).append(f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {condef}')
        else:
            cursor.execute(f'DROP INDEX "{index}"')
            statements.setdefault(table, []).append(indexdef)
    return Deferred(statements)
