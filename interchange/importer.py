"""Import a data bundle: stream -> check each record -> COPY into staging -> set-based checks ->
upsert. All or nothing, in one transaction; on any error nothing is written and every error is
listed with its JSON path. See docs/bundle.md."""

from __future__ import annotations

import gc
import os
import re
import zoneinfo
from collections.abc import Callable
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any, BinaryIO

import pghistory
import psycopg
from django.db import DatabaseError, IntegrityError, connection, transaction

from . import checks, indexes, parallel, spool, staging, totals, upsert, writer
from .lists import BY_NAME
from .reader import LIST_START, Invalid, Records, Scanner, stream
from .schema import FORMAT

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

# A bundle file at least this big is read by two processes (spool.py); below it, starting the
# second one costs more than it saves.
PARALLEL_MIN_BYTES = 8 << 20
# The helper reads the visits list's head: this share of the file from where the list begins (in
# exports and generated bundles the list runs nearly to the end). The importer reads the other
# lists too, so it keeps the smaller part.
HELPER_SHARE = 0.65


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
    """Routes streamed records into the stager and collects per-record errors. With a `helper`
    (spool.Helper: a second process), the head of the first visits list is the helper's: this
    reads on from the split point, numbering its visits from spool.TAIL_BASE. They keep those
    numbers in staging (after the head's, so in file order still: every check that orders by index
    holds); only the paths of errors are renumbered (`real_paths`), once the helper has counted
    the head (`join_helper`)."""

    def __init__(self, stager: staging.Stager, helper: spool.Helper | None = None):
        super().__init__(stager, max_errors=MAX_ERRORS)
        self.format: Any = None
        self.timezone: Any = None
        self.helper = helper
        self.head: int | None = None  # records in the helper's head, once it has counted them
        self.expected: tuple[int, int] | None = None  # the head's range, as found where the list began
        # Where the helper's errors go in self.errors: where the visits list began.
        self.section_at: int | None = None
        # Called once where the visits list begins.
        self.on_visits: Callable[[], None] | None = None

    def read(self, fp: BinaryIO) -> None:
        index: dict[str, int] = {}
        seen: set[str] = set()
        dated_seen = False  # a list with datetimes has begun
        sc = Scanner(fp)
        helper = self.helper
        for key, value in stream(sc):
            if value is LIST_START:
                dated_seen = dated_seen or key in DATED_LISTS
                if key == spool.SPLIT_LIST and self.on_visits is not None:
                    self.on_visits, on_visits = None, self.on_visits
                    on_visits()
                if key == spool.SPLIT_LIST and helper is not None and self.section_at is None:
                    self.section_at = len(self.errors)
                    if self._split(sc):
                        index[key] = spool.TAIL_BASE
                continue
            if key == "format":
                self.format = value
            elif key == "timezone":
                self._timezone(value, dated_seen)
            elif key in BY_NAME and BY_NAME[key].parent is None:
                if value is None:
                    seen.add(key)
                    continue
                i = index.get(key, 0)
                index[key] = i + 1
                if helper is not None and not i & 1023:
                    helper.pump()  # copy the batches the helper has ready
                self.record(key, i, value)
            elif key not in seen:
                seen.add(key)
                self.error(key, "unknown list" if key not in BY_NAME else "must be a list")
        if self.format != FORMAT:
            self.error("format", f"must be {FORMAT!r}")
        if not (isinstance(self.timezone, str) and _known_zone(self.timezone)):
            self.error("timezone", "not a known IANA timezone")

    def _split(self, sc: Scanner) -> bool:
        """Where the first visits list begins: go on from the end of the helper's head, if it has
        one (the helper works it out alone; join_helper checks that it is this one)."""
        if sc.peek() != "{":
            return False  # empty: the helper's head, if any, is not in this list
        self.expected = self.helper.head(sc.offset())
        if self.expected is None:
            return False
        sc.seek(self.expected[1])
        return True

    def _timezone(self, value: Any, dated_seen: bool) -> None:
        stager = self.sink
        if stager.early is not None and value != stager.early[0]:
            self.error("timezone", "given twice, differently")  # the first one was applied already
        self.timezone = value
        if not dated_seen and stager.early is None and isinstance(value, str) and _known_zone(value):
            stager.early_timezone(value)

    def join_helper(self) -> None:
        """Wait for the helper and copy the rest of its rows; its errors go where the visits list
        began (the head is before all of ours there), ours there get their real index."""
        if self.helper is None:
            return
        result = self.helper.finish()
        self.helper = None
        if not result["ok"] or tuple(result["range"] or ()) != tuple(self.expected or ()):
            raise spool.SplitFailed
        self.head = result["count"]
        at = len(self.errors) if self.section_at is None else self.section_at
        self.errors[at:at] = [{"path": p, "message": m} for _, p, m in result["errors"]]
        del self.errors[MAX_ERRORS:]
        for row in result["bad"]:
            self.sink.add_bad(spool.SPLIT_LIST, tuple(row))
        self.unowned.update(result["unowned"])

    def real_paths(self, errors: list[dict]) -> None:
        """Give the errors of our visits (numbered from spool.TAIL_BASE) their index in the file."""
        if self.head is None:  # no head read by the helper: our visits have their index already
            return
        for e in errors:
            if (found := _TAIL_PATH.match(e["path"])) and int(found.group(1)) >= spool.TAIL_BASE:
                e["path"] = (
                    f"{spool.SPLIT_LIST}[{int(found.group(1)) - spool.TAIL_BASE + self.head}]{e['path'][found.end() :]}"
                )


_TAIL_PATH = re.compile(rf"{spool.SPLIT_LIST}\[(\d+)\]")


def _helper_for(source, cursor) -> spool.Helper | None:
    """A second process for a big bundle file (see spool.py)."""
    if not _big_file(source):
        return None
    return spool.Helper(str(source), cursor, share=HELPER_SHARE, max_errors=MAX_ERRORS)


def _parallel(source) -> bool:
    """Whether to check beside the writes on a second connection (parallel.py): a big bundle file,
    imported outside any other transaction."""
    return not connection.in_atomic_block and _big_file(source)


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


def import_bundle(source, *, actor=None, timings: dict | None = None) -> dict:
    """Import `source` (a path or a binary file object). Returns {list: {created, updated, unchanged}}.
    Raises BundleInvalid (nothing written) or PermissionError (actor may not import).
    `timings`, when given, receives the seconds spent per stage (the benchmark prints them)."""
    try:
        return _import(source, actor, timings, split=True)
    except spool.SplitFailed:
        # The helper's head did not end on a record boundary (spool.py): everything was rolled
        # back; read the file again on one process.
        return _import(source, actor, timings, split=False)


def _import(source, actor, timings: dict | None, *, split: bool) -> dict:
    actor_provider = _actor_provider_ref(actor)
    stage = writer.Stages(timings)
    fp, close = _open(source)
    reader = None
    try:
        with ExitStack() as stack:
            # Entered first, so closed last: its tables are dropped after the transaction ends.
            session = parallel.StagingSession.open() if _parallel(source) else None
            if session:
                stack.enter_context(closing(session))
            stack.enter_context(transaction.atomic())
            token = getattr(actor, "prefix", None)  # an ApiToken: say which one in the audit trail
            stack.enter_context(
                pghistory.context(
                    user=_actor_user_id(actor), command="import_bundle", **({"token": token} if token else {})
                )
            )
            django_cursor = stack.enter_context(connection.cursor())
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
            helper = stack.enter_context(closing(h)) if split and (h := _helper_for(source, scursor)) else None
            reader = _Reader(stager, helper)
            early = parallel.EarlyWrite(session, django_cursor, actor_provider, reader) if session else None
            if early:
                reader.on_visits = early.begin
                stack.callback(early.stop)  # before the transaction ends, whatever ends it
            # Reading makes millions of small dicts and tuples, none of them in a cycle: without this
            # the cyclic collector keeps walking the buffered rows (a few seconds for a city).
            gc_was_enabled = gc.isenabled()
            gc.disable()
            try:
                reader.read(fp)
            except Invalid as exc:
                reader.join_helper()
                raise BundleInvalid([*reader.errors, {"path": "", "message": f"not a valid JSON bundle: {exc}"}])
            finally:
                if gc_was_enabled:
                    gc.enable()
            stage("read, check and stage records")
            reader.join_helper()
            stage("wait for the helper process's last rows")
            stager.finish()
            stage("read, check and stage records")
            errors = reader.errors
            if isinstance(reader.timezone, str) and not any(e["path"] == "timezone" for e in errors):
                stager.convert_datetimes(reader.timezone)
                stage("datetimes")
                checks.derive_owners(scursor, {name for name, n in reader.unowned.items() if n})
                stage("owners, ANALYZE staging")
                if not session or errors:
                    errors += run_checks(scursor, actor_provider=actor_provider, limit=MAX_ERRORS - len(errors))
                    stage("cross-record checks")
            if errors:
                if early:
                    early.abandon(cursor)
                raise BundleInvalid(errors[:MAX_ERRORS])
            kept = False
            if early:
                # Before the savepoint below: the early writes' own savepoint is older.
                kept = early.finish(cursor)
                if timings is not None:
                    timings.update(early.seconds)
                stage("wait for the writes made while reading")
            try:
                with transaction.atomic():
                    if session:
                        counts = _write_beside(session, early if kept else None, django_cursor, actor_provider, stage)
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
    except BundleInvalid as exc:
        if reader is not None:
            reader.real_paths(exc.errors)
        raise
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


def _write_beside(session: parallel.StagingSession, early, django_cursor, actor_provider, stage) -> dict:
    """The parallel import's writes: the staging session checks the bundle (and works out a first
    load's totals: totals.py) while this transaction writes what the early writes (kept ones, or
    None) have not, then this waits for it. The checks' errors roll everything back (BundleInvalid)."""
    cursor = django_cursor.cursor
    session.commit()
    session.use_on(cursor)
    if early is not None:
        totals.lock(cursor)  # the visits' providers too, before the staging session looks
        supplied, counts, created_here = early.supplied, early.counts, early.created_here
        deferred = early.deferred
    else:
        deferred = indexes.defer(cursor)  # before the providers' totals locks: tables first
        supplied, counts, created_here = totals.claim(cursor), {}, None
    stage("locks and indexes")
    raw = cursor.connection  # psycopg's: its cancel() may be called from the checks' thread
    session.start(
        lambda c: run_checks(c, actor_provider=actor_provider, limit=MAX_ERRORS),
        cancel=raw.cancel,
        locked=deferred.locked,
    )
    stage("cross-record checks")
    rest = writer.write(
        django_cursor,
        actor_provider,
        stage,
        staged_ids=True,
        lists=None if early is None else frozenset(upsert.plan_names()) - parallel.EARLY_WRITES,
        created_here=created_here,
    )
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
        if session.result.get("totals"):
            totals.insert_shifts(cursor)
        else:  # another writer stored rota rows for these providers meanwhile
            totals.recompute(cursor)
        stage("totals")
    deferred.rebuild(cursor)
    stage("build indexes")
    merged = {**counts, **rest}
    return {name: merged[name] for name in upsert.plan_names() if name in merged}  # in plan order


def _provider_references(cursor) -> list[dict]:
    """A provider's bundle may carry its commissioners, neighbourhoods and contracts (exports do),
    but they are the commissioners' to set up: they must exist already and are not written."""
    errors = []
    for name, sql in (
        (
            "commissioners",
            "SELECT idx, ref FROM stg_commissioners s WHERE NOT bad AND NOT EXISTS "
            "(SELECT 1 FROM commissioning_organisation o WHERE o.kind = 'commissioner' AND o.ref = s.ref)",
        ),
        (
            "neighbourhoods",
            "SELECT idx, ref FROM stg_neighbourhoods s WHERE NOT bad AND NOT EXISTS "
            "(SELECT 1 FROM commissioning_neighbourhood n WHERE n.ref = s.ref)",
        ),
        (
            "contracts",
            "SELECT idx, ref FROM stg_contracts s WHERE NOT bad AND NOT EXISTS "
            "(SELECT 1 FROM commissioning_contract c JOIN commissioning_organisation o ON o.id = c.provider_id "
            "WHERE o.ref = s.prov AND c.ref = s.ref)",
        ),
    ):
        cursor.execute(sql)
        for idx, ref in cursor.fetchall():
            errors.append({"path": f"{name}[{idx}].ref", "message": f"{ref} is not set up; ask the commissioner"})
    return errors
