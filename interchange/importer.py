"""Import a data bundle: stream -> check each record -> COPY into staging -> set-based checks ->
upsert. All or nothing, in one transaction; on any error nothing is written and every error is
listed with its JSON path. See docs/bundle.md."""

from __future__ import annotations

import gc
import os
import zoneinfo
from collections.abc import Callable
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any, BinaryIO

import pghistory
import pghistory.runtime
import psycopg
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, transaction

from homecare.lib.sql import sql_loader

from . import checks, indexes, parallel, staging, totals, writer
from .lists import BY_NAME
from .reader import LIST_START, Full, Invalid, Records, stream
from .schema import FORMAT

sql = sql_loader(__file__)

# (percent done, what is being done): see import_bundle.
Progress = Callable[[int, str], None]

# Stop collecting after this many errors: a wholly wrong city-scale file must not fill memory
# with millions of messages, and nobody reads past the first thousand.
MAX_ERRORS = 1000


class BundleInvalid(Exception):
    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__(f"{len(errors)} error(s) in the bundle")


def _actor_provider_ref(actor) -> str | None:
    """The provider a provider user or token acts for; None for the command line (full trust)."""
    if actor is None or getattr(actor, "is_superuser", False):
        return None
    org = getattr(actor, "organisation", None)
    if org is None or not org.is_provider:
        raise PermissionError("only a provider may import a bundle")
    return org.ref


def _actor_user_id(actor) -> int | None:
    from commissioning.models import User

    return actor.pk if isinstance(actor, User) else None


WORK_MEM = "64MB"

# A bundle file at least this big, imported on its own, checks beside the writes on a second
# connection (parallel.py); below it, opening the second connection costs more than it saves.
PARALLEL_MIN_BYTES = 8 << 20


# Lists with datetimes (nested ones are read with their parent).
DATED_LISTS = frozenset(
    lst.parent or lst.name for lst in BY_NAME.values() if any(f.kind == "datetime" for f in lst.fields)
)


def _known_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


class _Reader(Records):
    """Routes streamed records into the stager and collects per-record errors."""

    def __init__(self, stager: staging.Stager):
        super().__init__(stager, max_errors=MAX_ERRORS)
        self.format: Any = None
        self.timezone: Any = None

    def read(self, fp: BinaryIO, on_read: Callable[[int], None] | None = None) -> None:
        index: dict[str, int] = {}
        seen: set[str] = set()
        dated_seen = False  # a list with datetimes has begun
        # The staging function of each top-level list, looked up once per record (370,000 for a city).
        handlers = {lst.name: self.handler(lst.name) for lst in BY_NAME.values() if lst.parent is None}
        for key, value in stream(fp, on_read):
            if value is LIST_START:
                dated_seen = dated_seen or key in DATED_LISTS
                continue
            if key == "format":
                self.format = value
            elif key == "timezone":
                self._timezone(value, dated_seen)
            elif (handle := handlers.get(key)) is not None:
                if value is None:
                    seen.add(key)
                    continue
                i = index.get(key, 0)
                index[key] = i + 1
                handle(i, value)
            elif key not in seen:
                seen.add(key)
                self.error(key, "unknown list" if key not in BY_NAME else "must be a list")
        if self.format != FORMAT:
            self.error("format", f"must be {FORMAT!r}")
        if not (isinstance(self.timezone, str) and _known_zone(self.timezone)):
            self.error("timezone", "not a known IANA timezone")

    def _timezone(self, value: Any, dated_seen: bool) -> None:
        stager = self.sink
        if stager.early is not None and value != stager.early[0]:
            self.error("timezone", "given twice, differently")  # the first one was applied already
        self.timezone = value
        if not dated_seen and stager.early is None and isinstance(value, str) and _known_zone(value):
            stager.early_timezone(value)


def _parallel(source, conn) -> bool:
    """Whether to check beside the writes on a second connection (parallel.py): a big bundle file,
    imported outside any other transaction."""
    return not conn.in_atomic_block and _big_file(source)


def _big_file(source) -> bool:
    if not isinstance(source, str | Path):
        return False
    try:
        return os.path.getsize(source) >= PARALLEL_MIN_BYTES
    except OSError:
        return False


def _open(source) -> tuple[BinaryIO, bool]:
    if isinstance(source, str | Path):
        return open(source, "rb"), True  # noqa: SIM115 - closed by the caller
    return source, False


def _reading_progress(fp: BinaryIO, progress: Progress | None) -> Callable[[int], None] | None:
    """The reader's bytes read, as percent of the file (0-80) to `progress`."""
    try:
        size = os.fstat(fp.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        size = 0
    if progress is None or not size:
        return None

    def on_read(done: int) -> None:
        progress(min(80, 80 * done // size), "Reading and checking each record")

    return on_read


def import_bundle(
    source,
    *,
    actor=None,
    timings: dict | None = None,
    using: str = DEFAULT_DB_ALIAS,
    progress: Progress | None = None,
) -> dict:
    """Import `source` (a path or a binary file object). Returns {list: {created, updated, unchanged}}.
    Raises BundleInvalid (nothing written) or PermissionError (actor may not import).
    `timings`, when given, receives the seconds spent per stage (the benchmark prints them).
    `using`: the connection (the command line passes homecare.lib.db.maintenance_alias()).
    `progress`, when given, is told (percent, what is being done) as the import goes (the worker's
    imports of uploads: services.bundle_import_progress)."""
    actor_provider = _actor_provider_ref(actor)
    stage = writer.Stages(timings)
    conn = connections[using]
    fp, close = _open(source)
    try:
        with ExitStack() as stack:
            # Entered first, so closed last: its tables are dropped after the transaction ends.
            session = parallel.StagingSession.open(using) if _parallel(source, conn) else None
            if session:
                stack.enter_context(closing(session))
            stack.enter_context(transaction.atomic(using=using))
            token = getattr(actor, "prefix", None)  # an ApiToken: say which one in the audit trail
            stack.enter_context(
                pghistory.context(
                    user=_actor_user_id(actor), command="import_bundle", **({"token": token} if token else {})
                )
            )
            if using != DEFAULT_DB_ALIAS:
                # pghistory.context attaches the audit context to the default connection's statements
                # only: the same wrapper on this one.
                stack.enter_context(conn.execute_wrapper(pghistory.runtime._inject_history_context))
            django_cursor = stack.enter_context(conn.cursor())
            cursor = django_cursor.cursor  # the psycopg cursor itself, for COPY
            # Sorts and hashes of a city's lists (checks, ordered inserts) fit in memory with this
            # (they spilled to disk with the default 4 MB); put back when the import is done.
            cursor.execute("SELECT current_setting('work_mem'), set_config('work_mem', %s, true)", [WORK_MEM])
            work_mem = cursor.fetchone()[0]
            # Where the records are staged and checked: this connection, or the staging session's.
            scursor = session.cursor if session else cursor
            if session:
                # Each connection's queries keep to one core: the other one is busy too.
                cursor.execute("SELECT set_config('max_parallel_workers_per_gather', '0', true)")
                scursor.execute(
                    "SELECT set_config('work_mem', %s, false), set_config('max_parallel_workers_per_gather', '0', false)",
                    [WORK_MEM],
                )
            staging.create_tables(scursor, session.schema if session else None)
            stager = staging.Stager(scursor)
            reader = _Reader(stager)
            # Reading makes millions of small dicts and tuples, none of them in a cycle: without this
            # the cyclic collector keeps walking the buffered rows (a few seconds for a city).
            gc_was_enabled = gc.isenabled()
            gc.disable()
            try:
                reader.read(fp, _reading_progress(fp, progress))
            except Invalid as exc:
                raise BundleInvalid([*reader.errors, {"path": "", "message": f"not a valid JSON bundle: {exc}"}])
            except Full:
                raise BundleInvalid(reader.errors) from None
            finally:
                if gc_was_enabled:
                    gc.enable()
            stager.finish()
            stage("read, check and stage records")
            errors = reader.errors
            if progress is not None:
                progress(85, "Checking the records against each other")
            if isinstance(reader.timezone, str) and not any(e["path"] == "timezone" for e in errors):
                stager.convert_datetimes(reader.timezone)
                stage("datetimes")
                checks.derive_owners(scursor, {name for name, n in reader.unowned.items() if n})
                stage("owners, ANALYZE staging")
                if not session or errors:
                    errors += run_checks(scursor, actor_provider=actor_provider, limit=MAX_ERRORS - len(errors))
                    stage("cross-record checks")
            if errors:
                raise BundleInvalid(errors[:MAX_ERRORS])
            if progress is not None:
                progress(90, "Writing")
            try:
                with transaction.atomic(using=using):
                    if session:
                        counts = _write_beside(session, django_cursor, actor_provider, stage)
                        if timings is not None:
                            timings.update(session.result.get("seconds", {}))
                    else:
                        # Through Django's cursor, so that pghistory's wrapper attaches the context.
                        counts = writer.write(django_cursor, actor_provider, stage)
            except (DatabaseError, psycopg.Error) as exc:  # psycopg's own from statements on its cursor
                if session and (found := session.join()):
                    raise BundleInvalid(found) from None  # what the checks say comes first, as it would alone
                if not isinstance(exc, IntegrityError | psycopg.IntegrityError):
                    raise
                # The bundle is consistent in itself but not with rows already stored (e.g. a shift
                # overlapping one that is not in the bundle): the database's constraints say no.
                cause = getattr(exc, "diag", None) or getattr(getattr(exc, "__cause__", None), "diag", None)
                detail = getattr(cause, "message_primary", None) or str(exc).splitlines()[0]
                raise BundleInvalid([{"path": "", "message": f"conflicts with stored data: {detail}"}]) from None
            if not session:
                staging.drop_tables(cursor)
            cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])
            stage("drop staging")
        stage("commit")
        return counts
    finally:
        if close:
            fp.close()


def run_checks(cursor, *, actor_provider: str | None, limit: int) -> list[dict]:
    """The cross-record checks of the staged bundle (checks.py), and for a provider's own import
    that the commissioners' records it points at are set up."""
    errors = checks.run_checks(cursor, actor_provider=actor_provider, limit=limit)
    if actor_provider is not None:
        errors += _provider_references(cursor)
    return errors[:limit]


def _write_beside(session: parallel.StagingSession, django_cursor, actor_provider, stage) -> dict:
    """The parallel import's writes: the staging session checks the bundle (and works out a first
    load's totals: totals.py) while this transaction writes, then this waits for it. The checks'
    errors roll everything back (BundleInvalid)."""
    cursor = django_cursor.cursor
    session.commit()
    session.use_on(cursor)
    deferred = indexes.defer(cursor)  # before the providers' totals locks: tables first
    supplied = totals.claim(cursor)
    stage("locks and indexes")
    raw = cursor.connection  # psycopg's: its cancel() may be called from the checks' thread
    session.start(
        lambda c: run_checks(c, actor_provider=actor_provider, limit=MAX_ERRORS), cancel=raw.cancel, supplied=supplied
    )
    stage("cross-record checks")
    counts = writer.write(django_cursor, actor_provider, stage, staged_ids=True)
    deferred.rebuild(cursor, ("rota_shift", "rota_visit", "rota_attendance"))
    stage("build indexes")
    if supplied and session.visit_totals():  # while the staging session works out the shifts'
        stage("wait for the checks")
        totals.insert_visits(cursor)
        stage("totals")
        deferred.rebuild(cursor, ("rota_visittotals",))
        stage("build indexes")
    errors = session.join()
    stage("wait for the checks")
    if errors:
        raise BundleInvalid(errors)
    if supplied:
        totals.insert_shifts(cursor)
        stage("totals")
    deferred.rebuild(cursor)
    stage("build indexes")
    return counts


def _provider_references(cursor) -> list[dict]:
    """A provider's bundle may carry its commissioners, neighbourhoods and contracts (exports do),
    but they are the commissioners' to set up: they must exist already and are not written."""
    errors = []
    for name in ("commissioners", "neighbourhoods", "contracts"):
        cursor.execute(sql(f"{name}_not_set_up"))
        for idx, ref in cursor.fetchall():
            errors.append({"path": f"{name}[{idx}].ref", "message": f"{ref} is not set up; ask the commissioner"})
    return errors
