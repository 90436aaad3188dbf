"""Writes of the rota app. ECM ingest: batches of attendances pushed by a provider's electronic call
monitoring system (REST) or uploaded as CSV (browser), both through `attendances_ingest`."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime

import pghistory
from django.db import connection, transaction

from commissioning.models import Organisation, User
from rota.rules import CHECK_IN_EARLIEST_BEFORE_START, CHECK_IN_LATEST_AFTER_END, LONGEST_ATTENDANCE

LONDON = zoneinfo.ZoneInfo("Europe/London")
FIELDS = ("external_id", "visit", "worker", "check_in", "check_out", "method", "exception_code")
METHODS = ("app", "phone", "manual")
# A batch larger than this is refused: ECM systems send minutes' worth of records, and one request
# must not hold a transaction open for long. Split bigger backlogs.
MAX_BATCH = 50_000


@dataclass
class IngestResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


class IngestInvalid(Exception):
    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__(f"{len(errors)} error(s)")


class _Rollback(Exception):
    pass


def _when(value, path: str, errors: list[dict]) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        dt = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        dt = None
    if dt is None:
        errors.append({"path": path, "message": "not an ISO 8601 datetime"})
        return None
    # A local wall time, like the bundle. In the autumn's repeated hour Postgres (which reads the
    # bundle's times) takes the second, GMT, occurrence: fold=1 does the same here.
    return dt if dt.tzinfo else dt.replace(tzinfo=LONDON, fold=1)


def _parse(rows: list, prefix: str) -> tuple[list[tuple], list[dict]]:
    """Shape checks, row by row (this is parsing input; the writes below are set-based)."""
    errors: list[dict] = []
    parsed = []
    for i, row in enumerate(rows):
        p = f"{prefix}[{i}]"
        if not isinstance(row, dict):
            errors.append({"path": p, "message": "must be an object"})
            continue
        for key in set(row) - set(FIELDS):
            errors.append({"path": f"{p}.{key}", "message": "unknown field"})
        for key in ("external_id", "visit", "worker"):
            if not isinstance(row.get(key), str) or not row.get(key) or len(row[key]) > 100:
                errors.append({"path": f"{p}.{key}", "message": "is required (a string of at most 100 characters)"})
        method = row.get("method") or "app"
        if method not in METHODS:
            errors.append({"path": f"{p}.method", "message": f"must be one of {', '.join(METHODS)}"})
        code = row.get("exception_code") or None
        if code is not None and (not isinstance(code, str) or len(code) > 50):
            errors.append({"path": f"{p}.exception_code", "message": "must be a string of at most 50 characters"})
        check_in = _when(row.get("check_in"), f"{p}.check_in", errors)
        check_out = _when(row.get("check_out"), f"{p}.check_out", errors)
        parsed.append(
            (i, row.get("external_id"), row.get("visit"), row.get("worker"), check_in, check_out, method, code)
        )
    return parsed, errors


_CHECKS = [
    ("external_id", "format('sent twice in this batch (also at %s)', first)",
     "(SELECT s.*, min(idx) OVER (PARTITION BY external_id) AS first FROM ecm_batch s) s WHERE idx <> first"),
    ("visit", "format('unknown visit %s', visit)", "ecm_batch s WHERE visit_id IS NULL"),
    ("worker", "format('unknown worker %s', worker)", "ecm_batch s WHERE worker_id IS NULL"),
    ("worker", "format('worker %s appears twice on visit %s in this batch', worker, visit)",
     "(SELECT s.*, min(idx) OVER (PARTITION BY visit_id, worker_id) AS first FROM ecm_batch s "
     " WHERE visit_id IS NOT NULL AND worker_id IS NOT NULL) s WHERE idx <> first"),
    ("check_out", "'not after check_in'", "ecm_batch s WHERE check_out <= check_in"),
    ("check_in", "'missing while check_out is given'", "ecm_batch s WHERE check_out IS NOT NULL AND check_in IS NULL"),
    ("check_out", f"'longer than {LONGEST_ATTENDANCE} after check_in'",
     f"ecm_batch s WHERE check_out > check_in + interval '{LONGEST_ATTENDANCE}'"),
    ("check_in", f"'more than {CHECK_IN_EARLIEST_BEFORE_START} before the planned start'",
     f"ecm_batch s JOIN rota_visit v ON v.id = s.visit_id "
     f"WHERE s.check_in < v.planned_start - interval '{CHECK_IN_EARLIEST_BEFORE_START}'"),
    ("check_in", f"'more than {CHECK_IN_LATEST_AFTER_END} after the planned end'",
     f"ecm_batch s JOIN rota_visit v ON v.id = s.visit_id "
     f"WHERE s.check_in > v.planned_end + interval '{CHECK_IN_LATEST_AFTER_END}'"),
    ("worker", "format('already recorded at visit %s under another external_id (%s)', visit, a.external_id)",
     "ecm_batch s JOIN rota_attendance a ON a.visit_id = s.visit_id AND a.worker_id = s.worker_id "
     "WHERE s.existing_id IS NULL AND a.external_id IS NOT NULL AND a.external_id <> s.external_id"),
    ("visit", "'this external_id was recorded for another visit or worker'",
     "ecm_batch s JOIN rota_attendance a ON a.id = s.existing_id "
     "WHERE a.visit_id <> s.visit_id OR a.worker_id <> s.worker_id"),
]  # fmt: skip

_CHANGED = (
    "ROW(a.check_in, a.check_out, a.method, a.exception_code, a.external_id) IS DISTINCT FROM "
    "ROW(s.check_in, s.check_out, s.method, s.exception_code, s.external_id)"
)


@transaction.atomic
def attendances_ingest(
    *, provider: Organisation, rows: list, actor=None, prefix: str = "attendances", dry_run: bool = False
) -> IngestResult:
    """Create or correct attendances keyed by the ECM's `external_id`: a resent record changes
    nothing, a corrected one updates the row (pghistory keeps the old values). A record without a
    match by external_id takes over the visit's attendance of that worker when it has none (e.g.
    imported from a bundle). All or nothing: raises IngestInvalid listing every error."""
    if not isinstance(rows, list):
        raise IngestInvalid([{"path": prefix, "message": "must be a list"}])
    if len(rows) > MAX_BATCH:
        raise IngestInvalid([{"path": prefix, "message": f"at most {MAX_BATCH} records per batch"}])
    parsed, errors = _parse(rows, prefix)
    user_id = actor.pk if isinstance(actor, User) else None
    with pghistory.context(user=user_id, command="ecm_ingest"), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS ecm_batch")
        cursor.execute(
            "CREATE TEMP TABLE ecm_batch (idx int, external_id text, visit text, worker text, check_in timestamptz, "
            "check_out timestamptz, method text, exception_code text, visit_id bigint, worker_id bigint, "
            "existing_id bigint) ON COMMIT DROP"
        )
        cols = list(zip(*parsed, strict=True)) if parsed else [[]] * 8
        cursor.execute(
            "INSERT INTO ecm_batch (idx, external_id, visit, worker, check_in, check_out, method, exception_code) "
            "SELECT * FROM unnest(%s::int[], %s::text[], %s::text[], %s::text[], %s::timestamptz[], "
            "%s::timestamptz[], %s::text[], %s::text[])",
            [list(c) for c in cols],
        )
        # Another provider's visits and workers simply do not resolve: "unknown visit".
        cursor.execute(
            "UPDATE ecm_batch s SET visit_id = v.id FROM rota_visit v WHERE v.provider_id = %s AND v.ref = s.visit",
            [provider.pk],
        )
        cursor.execute(
            "UPDATE ecm_batch s SET worker_id = w.id FROM workforce_worker w "
            "WHERE w.provider_id = %s AND w.ref = s.worker",
            [provider.pk],
        )
        # `a.external_id IS NOT NULL` lets the planner use the partial unique index on (provider, external_id).
        cursor.execute(
            "UPDATE ecm_batch s SET existing_id = a.id FROM rota_attendance a "
            "WHERE a.provider_id = %s AND a.external_id IS NOT NULL AND a.external_id = s.external_id",
            [provider.pk],
        )
        cursor.execute(
            "UPDATE ecm_batch s SET existing_id = a.id FROM rota_attendance a WHERE s.existing_id IS NULL "
            "AND a.visit_id = s.visit_id AND a.worker_id = s.worker_id AND a.external_id IS NULL"
        )
        bad = {e["path"].split("]")[0] for e in errors}
        for path_field, message, source in _CHECKS:
            cursor.execute(f"SELECT idx, {message} FROM {source} ORDER BY idx")
            for idx, msg in cursor.fetchall():
                if f"{prefix}[{idx}" not in bad:
                    errors.append({"path": f"{prefix}[{idx}].{path_field}", "message": msg})
        if errors:
            raise IngestInvalid(sorted(errors, key=_order))
        result = IngestResult()
        cursor.execute(
            "WITH up AS (UPDATE rota_attendance a SET check_in = s.check_in, check_out = s.check_out, "
            "method = s.method, exception_code = s.exception_code, external_id = s.external_id "
            f"FROM ecm_batch s WHERE a.id = s.existing_id AND {_CHANGED} RETURNING 1) SELECT count(*) FROM up"
        )
        result.updated = cursor.fetchone()[0]
        cursor.execute(
            "WITH ins AS (INSERT INTO rota_attendance (provider_id, visit_id, worker_id, check_in, check_out, method, "
            "exception_code, external_id) SELECT %s, visit_id, worker_id, check_in, check_out, method, exception_code, "
            "external_id FROM ecm_batch WHERE existing_id IS NULL RETURNING 1) SELECT count(*) FROM ins",
            [provider.pk],
        )
        result.created = cursor.fetchone()[0]
        result.unchanged = len(parsed) - result.created - result.updated
        cursor.execute("DROP TABLE ecm_batch")
    if dry_run:
        transaction.set_rollback(True)
    return result


def _order(err: dict) -> tuple:
    head, _, rest = err["path"].partition("]")
    try:
        return (int(head.split("[")[-1]), rest)
    except ValueError:
        return (-1, err["path"])
