"""Both cores after the read, for a big bundle file imported on its own (the command line,
`seed_demo`, `bench import`).

Once the records are staged, the import's transaction writes them (one core) while a second
connection, the staging session, runs the cross-record checks and works out the derived rota
totals of a first load (the other core). The staged rows must be visible to both, so in this mode
they are UNLOGGED tables in a schema of the staging session's own, committed once read, and dropped
with the schema when the import ends (after its transaction, whose reads hold locks on them).

All or nothing still holds: the import's transaction commits only when the checks found nothing;
when they find errors it is rolled back (its statement cancelled if it is still running) and the
errors are those the checks would have given before any write. The checks see what was stored
before the import, as they do when run first on the import's own connection.

Only an import that is not inside another transaction can use this (a second connection cannot
see that transaction's uncommitted rows: tests, API requests), and only for a file big enough to be
worth a second connection; the rest run as before on one connection (importer.import_bundle)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg
from django.db import DatabaseError, connections

from . import totals

SCHEMA_PREFIX = "bundle_stage_"


class StagingSession:
    """A second connection holding the staging tables in schema `bundle_stage_<its backend pid>`.
    Both connections find them by name through their search_path."""

    def __init__(self, using: str):
        main = connections[using]
        self.wrapper = main.__class__(dict(main.settings_dict), main.alias)
        self.wrapper.ensure_connection()
        try:
            self.conn = self.wrapper.connection  # the psycopg connection itself
            self.conn.autocommit = True
            self.cursor = self.conn.cursor()
            self.schema = f"{SCHEMA_PREFIX}{self.conn.info.backend_pid}"
            self._drop_stale()
            self.cursor.execute(f"CREATE SCHEMA {self.schema}")
        except BaseException:
            self.wrapper.close()
            raise
        self.cursor.execute("SELECT set_config('search_path', %s || ', ' || current_setting('search_path'), false)",
                            [self.schema])  # fmt: skip
        self.conn.autocommit = False  # staging is written in one transaction, committed by commit()
        self.thread: threading.Thread | None = None
        self.result: dict = {}
        self.used = False  # use_on() has run

    @classmethod
    def open(cls, using: str) -> StagingSession | None:
        """A staging session beside connection `using`, or None where the database says no (a role
        that may not create a schema, such as the application's; no connection to spare): the import
        then runs on its one connection."""
        try:
            return cls(using)
        except (psycopg.Error, DatabaseError):
            return None

    def _drop_stale(self) -> None:
        """Schemas left by an import whose connection is gone (a killed process)."""
        self.cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s "
            "AND (nspname = %s OR substr(nspname, %s)::int NOT IN (SELECT pid FROM pg_stat_activity))",
            [SCHEMA_PREFIX + "%", self.schema, len(SCHEMA_PREFIX) + 1],
        )
        for (name,) in self.cursor.fetchall():
            self.cursor.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")

    def commit(self) -> None:
        self.conn.commit()

    def use_on(self, cursor) -> None:
        """Let the import's own connection find the staging tables, for its transaction."""
        if not self.used:
            cursor.execute("SELECT set_config('search_path', %s || ', ' || current_setting('search_path'), true)",
                           [self.schema])  # fmt: skip
            self.used = True

    def start(self, check: Callable[[object], list[dict]], *, cancel: Callable[[], None], supplied: bool) -> None:
        """`check` (on this connection's cursor), then when it finds nothing and the import's
        transaction supplies the rota totals (totals.claim: a first load), those totals
        (totals.py), in a thread of their own: the visits' first, committed as soon as made
        (`visit_totals`), then the shifts'. `cancel` stops the import's running statement when the
        checks fail: its writes are going to be rolled back anyway."""

        def work() -> None:
            try:
                t = time.perf_counter()
                found = check(self.cursor)
                self.result["errors"] = found
                self.result["seconds"] = {"beside: cross-record checks": time.perf_counter() - t}
                if found:
                    cancel()
                elif supplied:
                    t = time.perf_counter()
                    # The import's transaction has found the rota a first load and holds the
                    # providers' totals locks (and maybe the emptied tables: indexes.py), so this
                    # does not look at the rota tables again.
                    totals.compute_visits(self.cursor, self.schema)
                    self.conn.commit()
                    self.visits_made.set()
                    totals.compute_shifts(self.cursor, self.schema)
                    self.result["seconds"]["beside: totals"] = time.perf_counter() - t
                self.conn.commit()
            except BaseException as exc:  # re-raised in the import's thread by join()
                self.result["exception"] = exc
                cancel()
            finally:
                self.visits_made.set()

        self.visits_made = threading.Event()
        self.thread = threading.Thread(target=work, name="bundle-checks", daemon=True)
        self.thread.start()

    def visit_totals(self) -> bool:
        """Wait until the visits' totals are made (or the checks failed); whether they were."""
        self.visits_made.wait()
        return not self.result.get("errors") and "exception" not in self.result

    def join(self) -> list[dict]:
        """Wait for the checks (and totals); their errors."""
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if "exception" in self.result:
            raise self.result["exception"]
        return self.result.get("errors", [])

    def close(self) -> None:
        if self.thread is not None:
            self.thread.join()
        try:
            self.conn.rollback()
            self.conn.autocommit = True
            self.cursor.execute(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")
        finally:
            self.wrapper.close()
