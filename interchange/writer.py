"""Staged rows -> real tables (the import's last stage): one statement per list from upsert.py, or
for a first load the plain INSERT without per-row foreign-key triggers (`_fast_insert`)."""

from __future__ import annotations

import time

from homecare.lib.sql import sql_loader

from . import upsert

sql = sql_loader(__file__)

# The big lists, timed stage by stage for the benchmark; the others are timed together.
BULK_LISTS = frozenset({"visits", "attendances", "shifts"})


class Stages:
    """Seconds per stage of an import, for the benchmark: called with a stage's name when it ends,
    adds the time since the last call to `into` (None: times nothing) under `prefix` + name."""

    def __init__(self, into: dict | None, prefix: str = ""):
        self.into, self.prefix = into, prefix
        self.t = time.perf_counter()

    def __call__(self, name: str) -> None:
        if self.into is not None:
            now, key = time.perf_counter(), self.prefix + name
            self.into[key] = self.into.get(key, 0.0) + now - self.t
            self.t = now


def write(
    cursor,
    actor_provider: str | None,
    stage=lambda name: None,
    *,
    staged_ids: bool = False,
) -> dict:
    """Write the staged lists in dependency order; {list: counts}."""
    counts: dict[str, dict[str, int]] = {}
    skip_fk_triggers = _may_skip_fk_triggers(cursor)
    created_here: set[str] = set()  # tables whose every bundle row this import has just created
    for name, step in upsert.plan(staged_ids):
        cursor.execute(upsert.staged_count_sql(name))
        staged = cursor.fetchone()[0]
        if actor_provider is not None and name in upsert.COMMISSIONER_OWNED:
            counts[name] = {"created": 0, "updated": 0, "unchanged": staged}
            continue
        if name == "attendances" and staged_ids and "rota_visit" in created_here:
            stored = False  # every visit is new: no stored attendance can match
        else:
            cursor.execute(step.probe)
            stored = cursor.fetchone()[0]
        if stored:
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
        if name == "visits" and staged_ids and step.table in created_here:
            table = None  # new attendances find their visits in staging, and no probe reads them
        if table and created + updated:
            # Later steps join this table by ref: without fresh statistics a table that was empty
            # looks empty to the planner, which then probes an index once per row (17 s of 23 s
            # for a city's visits) instead of hashing it once.
            stage(f"upsert: {name}" if name in BULK_LISTS else "upsert: other lists")
            # As the table's owner (migration 0002): the application's role may not ANALYZE.
            cursor.execute("SELECT interchange_analyze_table(%s::regclass)", [table])
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
    # (rota's statement-level shift totals) fire either way, and a REPLICA-only one would fire only
    # on this path, so a table with one takes the normal path.
    cursor.execute(sql("insert_triggers"), {"table": table})
    triggers, replica_only = cursor.fetchone()
    if replica_only:
        return None
    if triggers == 0:
        return []
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
