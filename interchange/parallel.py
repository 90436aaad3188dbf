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
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from . import indexes, totals, upsert, writer
from .lists import BY_NAME, LISTS
from .staging import stg

SCHEMA_PREFIX = "bundle_stage_"


class StagingSession:
    """A second connection holding the staging tables in schema `bundle_stage_<its backend pid>`.
    Both connections find them by name through their search_path."""

    def __init__(self):
        main = connections[DEFAULT_DB_ALIAS]
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
    def open(cls) -> StagingSession | None:
        """A staging session, or None where the database says no (a role that may not create a
        schema, no connection to spare): the import then runs on its one connection."""
        try:
            return cls()
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

    def start(self, check: Callable[[object], list[dict]], *, cancel: Callable[[], None], locked: bool = False) -> None:
        """`check` (on this connection's cursor), then when it finds nothing and the staged rota is a
        first load, its totals (totals.py; `result["totals"]` says whether they were made), in a
        thread of their own: the visits' first, committed as soon as made (`visit_totals`), then the
        shifts'. `cancel` stops the import's running statement when the checks fail: its writes are
        going to be rolled back anyway. `locked`: the import's transaction holds the rota tables,
        found empty, locked (indexes.py), so this must not read them."""

        def work() -> None:
            try:
                t = time.perf_counter()
                found = check(self.cursor)
                self.result["errors"] = found
                self.result["seconds"] = {"beside: cross-record checks": time.perf_counter() - t}
                if found:
                    cancel()
                else:
                    t = time.perf_counter()
                    made = totals.compute_visits(self.cursor, self.schema, known_first_load=locked)
                    self.result["totals"] = made
                    self.conn.commit()
                    self.visits_made.set()
                    if made:
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
        return bool(self.result.get("totals")) and not self.result.get("errors") and "exception" not in self.result

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


# The lists the import's transaction writes while the visits are still being read: all those the
# plan writes before the visits (shifts last), and the staged lists they come from.
EARLY_WRITES = frozenset(upsert.plan_names()[: upsert.plan_names().index("visits")])
EARLY_LISTS = tuple(lst.name for lst in LISTS[: [lst.name for lst in LISTS].index("visits")])


class EarlyWrite:
    """Where the visits list begins (the reader's `on_visits`), the lists before it are complete in
    most bundles (exports list them in dependency order). They are committed in the staging session
    and written by the import's transaction in a thread, under a savepoint, while the reader goes on
    with the visits. `finish` keeps those writes only if they went through and nothing was added to
    those lists afterwards (a list given twice); otherwise they are rolled back and written again
    with the rest."""

    def __init__(self, session: StagingSession, django_cursor, actor_provider: str | None, reader):
        self.session, self.django_cursor, self.actor_provider = session, django_cursor, actor_provider
        self.reader = reader
        self.thread: threading.Thread | None = None
        self.ok = False
        self.supplied = False  # rota's totals triggers are off for this transaction (totals.claim)
        self.deferred = indexes.Deferred()  # indexes still to build, rota tables locked (indexes.defer)
        self.counts: dict = {}
        self.created_here: set[str] = set()
        self.staged: list[int] | None = None
        self.seconds: dict[str, float] = {}  # by stage, for the benchmark
        self.exception: Exception | None = None  # a bug rather than a database error: raised by finish()

    def begin(self) -> None:
        reader, stager = self.reader, self.reader.sink
        if reader.errors or stager.early is None or any(reader.unowned.get(n) for n in EARLY_LISTS):
            return  # a bad bundle, datetimes not yet readable, or owners still to be derived
        for name in EARLY_LISTS:
            stager.flush(name)
        cur = self.session.cursor
        cur.execute("SELECT set_config('default_statistics_target', '10', true)")
        cur.execute(f"ANALYZE {', '.join(stg(BY_NAME[n]) for n in EARLY_LISTS)}")
        self.staged = self._counts()
        self.session.commit()
        cur.execute("SELECT set_config('TimeZone', %s, true)", [stager.early[0]])  # the commit reset it
        # pghistory's context for this transaction: its execute wrapper sets it (transaction-local) on a
        # statement through Django's cursor; the thread writes through the psycopg cursor.
        self.django_cursor.execute("WITH pghistory_context AS (SELECT 1) SELECT 1")
        raw = self.django_cursor.cursor.connection
        self.session.use_on(raw.cursor())
        self.thread = threading.Thread(target=self._run, args=(raw,), name="bundle-early-writes", daemon=True)
        self.thread.start()

    def _counts(self) -> list[int]:
        self.session.cursor.execute(
            "SELECT ARRAY[" + ", ".join(f"(SELECT count(*) FROM {stg(BY_NAME[n])})" for n in EARLY_LISTS) + "]"
        )
        return self.session.cursor.fetchone()[0]

    def _run(self, raw) -> None:
        stage = writer.Stages(self.seconds, prefix="while reading: ")
        cur = raw.cursor()
        cur.execute("SAVEPOINT bundle_early")
        try:
            self.deferred = indexes.defer(cur)
            self.supplied = totals.claim(cur)
            stage("locks and indexes")
            self.counts = writer.write(
                cur, self.actor_provider, stage, staged_ids=True, lists=EARLY_WRITES, created_here=self.created_here
            )
            self.deferred.rebuild(cur, ("rota_shift",))  # the shifts are all written
            stage("build indexes")
            self.ok = True
        except Exception as exc:  # written again after the read, where errors are reported
            if not isinstance(exc, psycopg.Error):
                self.exception = exc
            cur.execute("ROLLBACK TO SAVEPOINT bundle_early")
            self._undone()
            stage("undone")

    def finish(self, cursor) -> bool:
        """After the read (the staging session not yet committed): whether the early writes stand."""
        if self.thread is None:
            return False
        self.thread.join()
        self.thread = None
        if self.exception is not None:
            raise self.exception
        keep = self.ok and not any(self.reader.unowned.get(n) for n in EARLY_LISTS) and self._counts() == self.staged
        self._end(cursor, keep)
        return keep

    def stop(self) -> None:
        """However the import ends: the thread must not outlive it (its statements would run after
        the transaction's rollback, in autocommit). Its running statement is cancelled."""
        if self.thread is not None:
            self.django_cursor.cursor.connection.cancel()
            self.thread.join()
            self.thread = None

    def abandon(self, cursor) -> None:
        """The bundle has errors: wait for the thread and undo its writes."""
        if self.thread is not None:
            self.thread.join()
            self.thread = None
            self._end(cursor, keep=False)

    def _end(self, cursor, keep: bool) -> None:
        """Close the savepoint, undoing the writes unless `keep` (a failed thread undid them itself)."""
        if self.ok and not keep:
            cursor.execute("ROLLBACK TO SAVEPOINT bundle_early")
            self._undone()
        cursor.execute("RELEASE SAVEPOINT bundle_early")

    def _undone(self) -> None:
        """The savepoint was rolled back: its writes, dropped indexes and locks with it."""
        self.supplied, self.counts, self.created_here = False, {}, set()
        self.deferred = indexes.Deferred()
