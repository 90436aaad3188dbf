"""Import a data bundle: stream -> check each record -> COPY into staging -> set-based checks ->
upsert. All or nothing, in one transaction; on any error nothing is written and every error is
listed with its JSON path. See docs/bundle.md."""

from __future__ import annotations

import gc
import os
import time
import zoneinfo
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any, BinaryIO

import pghistory
from django.db import IntegrityError, connection, transaction

from . import checks, spool, staging, upsert
from .lists import BY_NAME
from .reader import LIST_START, Invalid, Records, stream
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
# The helper takes HELPER_SHARE[0] blocks of every HELPER_SHARE[1] of the visits list, in blocks
# of HELPER_BLOCK records: the importer reads the other lists too, so it keeps the smaller share.
HELPER_SHARE = (7, 10)
HELPER_BLOCK = 256


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
    (spool.Helper: a second process), the visits of the first visits list that the helper takes
    are skipped here; its rows are copied in as they come and its errors merged in file order."""

    def __init__(self, stager: staging.Stager, helper: spool.Helper | None = None):
        super().__init__(stager, max_errors=MAX_ERRORS)
        self.format: Any = None
        self.timezone: Any = None
        self.helper = helper
        # In the helper's section (the first visits list): our own errors there, with their index.
        self.section: list[tuple[int, dict]] | None = None  # while in it
        self.section_errors: list[tuple[int, dict]] = []  # once it has ended
        self.section_at: int | None = None  # where the section's errors go in self.errors

    def error(self, path: str, message: str, i: int | None = None) -> None:
        if self.section is not None and i is not None:
            if len(self.section) < self.max_errors:
                self.section.append((i, {"path": path, "message": message}))
        else:
            super().error(path, message, i)

    def read(self, fp: BinaryIO) -> None:
        index: dict[str, int] = {}
        seen: set[str] = set()
        helper = None
        dated_seen = False  # a list with datetimes has begun
        for key, value in stream(fp):
            if value is LIST_START:
                dated_seen = dated_seen or key in DATED_LISTS
                if key == spool.SPLIT_LIST and self.helper is not None and self.section_at is None:
                    helper, self.section = self.helper, []
                continue
            if key == "format":
                self.format = value
            elif key == "timezone":
                self._timezone(value, dated_seen)
            elif key in BY_NAME and BY_NAME[key].parent is None:
                if value is None:
                    seen.add(key)
                    if helper is not None and key == spool.SPLIT_LIST:
                        helper = None  # the end of the section; a repeated visits key is read here
                        self.section_at = len(self.errors)
                        self.section_errors, self.section = self.section, None
                    continue
                i = index.get(key, 0)
                index[key] = i + 1
                if helper is not None and helper.takes(i):
                    if not i & 1023:
                        helper.pump()  # copy the batches the helper has ready
                    continue
                self.record(key, i, value)
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

    def join_helper(self) -> None:
        """Wait for the helper, copy the rest of its rows, merge its errors where the section was
        (ours and its, by record index: each record is read by one of the two)."""
        if self.helper is None:
            return
        result = self.helper.finish()
        self.helper = None
        at = len(self.errors) if self.section_at is None else self.section_at
        ours = self.section_errors + (self.section or [])
        section = [(i, {"path": p, "message": m}) for i, p, m in result["errors"]] + ours
        section.sort(key=lambda e: e[0])  # stable: one record's errors keep their order
        self.errors[at:at] = [e for _, e in section]
        self.section = None
        del self.errors[MAX_ERRORS:]
        for row in result["bad"]:
            self.sink.add_bad(spool.SPLIT_LIST, tuple(row))
        self.unowned.update(result["unowned"])


def _helper_for(source, cursor) -> spool.Helper | None:
    """A second process for a big bundle file (see spool.py)."""
    if not isinstance(source, str | Path):
        return None
    try:
        if os.path.getsize(source) < PARALLEL_MIN_BYTES:
            return None
    except OSError:
        return None
    return spool.Helper(
        str(source), cursor, num=HELPER_SHARE[0], den=HELPER_SHARE[1], block=HELPER_BLOCK, max_errors=MAX_ERRORS
    )


def _open(source) -> tuple[BinaryIO, bool]:
    if isinstance(source, str | Path):
        return open(source, "rb"), True  # noqa: SIM115 - closed by the caller
    return source, False


class _Stages:
    """Seconds per stage of one import, for the benchmark (`timings` of import_bundle)."""

    def __init__(self, into: dict | None):
        self.into = into
        self.t = time.perf_counter()

    def __call__(self, name: str) -> None:
        if self.into is not None:
            now = time.perf_counter()
            self.into[name] = self.into.get(name, 0.0) + now - self.t
            self.t = now


def import_bundle(source, *, actor=None, timings: dict | None = None) -> dict:
    """Import `source` (a path or a binary file object). Returns {list: {created, updated, unchanged}}.
    Raises BundleInvalid (nothing written) or PermissionError (actor may not import).
    `timings`, when given, receives the seconds spent per stage (the benchmark prints them)."""
    actor_provider = _actor_provider_ref(actor)
    stage = _Stages(timings)
    fp, close = _open(source)
    try:
        with ExitStack() as stack:
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
            staging.create_tables(cursor)
            stager = staging.Stager(cursor)
            helper = stack.enter_context(closing(h)) if (h := _helper_for(source, cursor)) else None
            reader = _Reader(stager, helper)
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
                checks.derive_owners(cursor, {name for name, n in reader.unowned.items() if n})
                stage("owners, ANALYZE staging")
                errors += checks.run_checks(cursor, actor_provider=actor_provider, limit=MAX_ERRORS - len(errors))
                if actor_provider is not None:
                    errors += _provider_references(cursor)
                stage("cross-record checks")
            if errors:
                raise BundleInvalid(errors[:MAX_ERRORS])
            # Writes go through Django's cursor so pghistory's wrapper attaches the context to them.
            try:
                with transaction.atomic():
                    counts = _upsert(django_cursor, actor_provider, stage)
            except IntegrityError as exc:
                # The bundle is consistent in itself but not with rows already stored (e.g. a shift
                # overlapping one that is not in the bundle): the database's constraints say no.
                cause = getattr(getattr(exc, "__cause__", None), "diag", None)
                detail = getattr(cause, "message_primary", None) or str(exc).splitlines()[0]
                raise BundleInvalid([{"path": "", "message": f"conflicts with stored data: {detail}"}]) from None
            staging.drop_tables(cursor)
            cursor.execute("SELECT set_config('work_mem', %s, true)", [work_mem])
            stage("drop staging")
        stage("commit")
        return counts
    finally:
        if close:
            fp.close()


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


# The big lists, whose tables have no audit trigger on insert: for a first load, their foreign keys
# are checked by construction rather than one trigger call per row at commit (see _fast_insert).
BULK_LISTS = frozenset({"visits", "attendances", "shifts"})


def _upsert(cursor, actor_provider: str | None, stage=lambda name: None) -> dict:
    counts: dict[str, dict[str, int]] = {}
    skip_fk_triggers = _may_skip_fk_triggers(cursor)
    created_here: set[str] = set()  # tables whose every bundle row this import has just created
    for name, step in upsert.plan():
        cursor.execute(upsert.staged_count_sql(name))
        staged = cursor.fetchone()[0]
        if actor_provider is not None and name in upsert.COMMISSIONER_OWNED:
            counts[name] = {"created": 0, "updated": 0, "unchanged": staged}
            continue
        cursor.execute(step.probe)
        if cursor.fetchone()[0]:
            cursor.execute(step.upsert)  # some rows are stored already: match them
            created, updated = cursor.fetchone()
        elif skip_fk_triggers and (audit := _insert_audit(cursor, step.table, name)) is not None:
            created, updated = _fast_insert(cursor, step, created_here, audit)
        else:
            cursor.execute(step.insert)  # nothing to match: a plain INSERT does the same, faster
            created, updated = cursor.fetchone()
        if created == staged and name not in ("commissioners", "providers", "lot_rates"):
            created_here.add(step.table)
        counts[name] = {"created": created, "updated": updated, "unchanged": staged - created - updated}
        table = upsert.JOINED_LATER.get(name)
        if table and created + updated:
            # Later steps join this table by ref: without fresh statistics a table that was empty
            # looks empty to the planner, which then probes an index once per row (17 s of 23 s
            # for a city's visits) instead of hashing it once.
            stage(f"upsert: {name}" if name in BULK_LISTS else "upsert: other lists")
            cursor.execute(f"ANALYZE {table}")
            stage("ANALYZE written tables")
        stage(f"upsert: {name}" if name in BULK_LISTS else "upsert: other lists")
    return counts


def _may_skip_fk_triggers(cursor) -> bool:
    """Whether this role may set session_replication_role (superusers, or granted SET on it)."""
    cursor.execute("SELECT current_setting('server_version_num')::int >= 150000")
    if not cursor.fetchone()[0]:  # has_parameter_privilege is new in PostgreSQL 15
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    else:
        cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
    row = cursor.fetchone()
    return bool(row and row[0])


def _insert_audit(cursor, table: str, name: str) -> list[tuple[str, str]] | None:
    """How to write, in one statement, what the table's INSERT triggers would write row by row:
    [] for a big list with no insert trigger the replica role skips, [(event table, SELECT over `ins`)]
    for a table whose only insert triggers are django-pghistory insert events (packages, reviews,
    package changes: 0.5 ms a row through the trigger, which upserts its context row in a
    subtransaction each time). None when some other insert trigger must fire row by row."""
    from django.apps import apps

    # Only triggers enabled for "origin" sessions are skipped by the replica role; ENABLE ALWAYS ones
    # (rota's statement-level shift figures) fire either way, and a REPLICA-only one would fire only
    # on this path, so a table with one takes the normal path.
    cursor.execute(
        "SELECT count(*) FILTER (WHERE tgenabled = 'O'), count(*) FILTER (WHERE tgenabled = 'R') "
        "FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgtype & 4 <> 0",
        [table],
    )
    triggers, replica_only = cursor.fetchone()
    if replica_only:
        return None
    if triggers == 0:
        return [] if name in BULK_LISTS else None
    audits = []
    for event in apps.get_models():
        tracked = getattr(event, "pgh_tracked_model", None)
        if tracked is None or tracked._meta.db_table != table:
            continue
        for tracker in getattr(event, "pgh_trackers", None) or ():
            if type(tracker).__name__ != "InsertEvent":
                continue
            if tracker.condition is not None or tracker.row != "NEW":
                return None
            cols, exprs = [], []
            for f in event._meta.concrete_fields:
                col = f.column
                if col == "pgh_id":
                    continue
                expr = {
                    "pgh_created_at": "now()",
                    "pgh_label": f"'{tracker.label}'",
                    "pgh_obj_id": "ins.id",
                    "pgh_context_id": "ctx.id",
                }.get(col)
                if expr is None:
                    if col.startswith("pgh_"):
                        return None  # a pghistory column this does not know how to fill
                    expr = f'ins."{col}"'
                cols.append(f'"{col}"')
                exprs.append(expr)
            audits.append(
                (
                    event._meta.db_table,
                    f"INSERT INTO {event._meta.db_table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM ins, ctx",
                )
            )
    return audits if len(audits) == triggers else None


def _fast_insert(cursor, step: upsert.Step, created_here: set[str], audit: list[tuple[str, str]]) -> tuple[int, int]:
    """A first load of a big list without the per-row foreign-key triggers (Django's keys are
    DEFERRABLE INITIALLY DEFERRED, so a city's 1.8 million checks ran at commit: 15-40 s).

    Nothing is given up: every key of the inserted rows comes from an inner join on the parent
    table (or is NULL from a left join), in this transaction, so it exists by construction; and the
    FOR KEY SHARE locks the checks would have taken are taken first, once per parent row, so a
    concurrent transaction still cannot delete a parent before this one commits (parents this
    import has just created need none: no other transaction can see them). Only the foreign
    key triggers are skipped: the table's other insert triggers are pghistory's insert events,
    written here in one statement instead (`audit`, checked by the caller), and check, unique and
    exclusion constraints are not triggers."""
    for parent, lock in step.locks:
        if parent not in created_here:  # rows created by this transaction are invisible to others
            cursor.execute(lock)
    cursor.execute("SELECT set_config('session_replication_role', 'replica', true)")
    sql = step.insert
    if audit:
        # The context row is written once (pghistory's own function, as its trigger does), and
        # each event row gets what the trigger would give it: the same now(), label and context.
        ctes = ", ".join(f"ev{n} AS ({select})" for n, (_, select) in enumerate(audit))
        sql = sql.replace("RETURNING 1) ", f"RETURNING *), ctx AS (SELECT _pgh_attach_context() AS id), {ctes} ", 1)
    cursor.execute(sql)
    result = cursor.fetchone()
    # On an error the savepoint's rollback restores the setting; here it is put back by hand.
    cursor.execute("SELECT set_config('session_replication_role', 'origin', true)")
    return result
