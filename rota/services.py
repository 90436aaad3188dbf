"""Writes of the rota app. ECM ingest: batches of attendances pushed by a provider's electronic call
monitoring system (REST) or uploaded as CSV (browser), both through `attendances_ingest`."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pghistory
from django.conf import settings
from django.db import connection, transaction

from commissioning.models import Organisation, User
from homecare.lib.sql import sql_loader
from rota.rules import CHECK_IN_EARLIEST_BEFORE_START, CHECK_IN_LATEST_AFTER_END, LONGEST_ATTENDANCE

LONDON = zoneinfo.ZoneInfo("Europe/London")
FIELDS = ("external_id", "visit", "worker", "check_in", "check_out", "method", "exception_code")
METHODS = ("app", "phone", "manual")
# Any attendance outside these years is a typo or an attack (the visit bounds would refuse it later).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
sql = sql_loader(__file__, folder="sql/ecm")  # ECM ingest's statements: rota/sql/ecm/*.sql


def max_records() -> int:
    """A batch larger than this (settings.HOMECARE_ECM_MAX_RECORDS) is refused: ECM systems send
    minutes' worth of records, and one request must not hold a transaction open for long."""
    return settings.HOMECARE_ECM_MAX_RECORDS


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
    if not EARLIEST_YEAR <= dt.year <= LATEST_YEAR:
        errors.append({"path": path, "message": f"not a year between {EARLIEST_YEAR} and {LATEST_YEAR}"})
        return None
    # A local wall time, like the bundle. In the autumn's repeated hour Postgres (which reads the
    # bundle's times) takes the second, GMT, occurrence: fold=1 does the same here.
    dt = dt if dt.tzinfo else dt.replace(tzinfo=LONDON, fold=1)
    # In UTC: PostgreSQL refuses offsets past 15:59, which ISO 8601 (and Python) allow up to 23:59.
    return dt.astimezone(UTC)


def _text(row: dict, key: str, path: str, errors: list[dict], *, required: bool, longest: int) -> str | None:
    """A string field, or None (and an error) when it is missing, too long or not text. NUL cannot be
    stored in PostgreSQL text, so it is refused here rather than failing the statement."""
    value = row.get(key)
    if value in (None, "") and not required:
        return None
    if isinstance(value, str) and value and len(value) <= longest and "\x00" not in value:
        return value
    message = f"a string of at most {longest} characters"
    message = f"is required ({message})" if required else f"must be {message}"
    errors.append({"path": f"{path}.{key}", "message": message})
    return None


def _parse(rows: list, prefix: str) -> tuple[list[tuple], list[dict]]:
    """Shape checks, row by row (this is parsing input; the writes below are set-based). A value of
    the wrong type is listed as an error and goes no further than here (NULL in the batch table)."""
    errors: list[dict] = []
    parsed = []
    for i, row in enumerate(rows):
        p = f"{prefix}[{i}]"
        if not isinstance(row, dict):
            errors.append({"path": p, "message": "must be an object"})
            continue
        for key in sorted(set(map(str, row)) - set(FIELDS)):
            errors.append({"path": f"{p}.{key[:100]}", "message": "unknown field"})
        refs = [_text(row, key, p, errors, required=True, longest=100) for key in ("external_id", "visit", "worker")]
        method = row.get("method") or "app"
        if not isinstance(method, str) or method not in METHODS:
            errors.append({"path": f"{p}.method", "message": f"must be one of {', '.join(METHODS)}"})
            method = None
        code = _text(row, "exception_code", p, errors, required=False, longest=50)
        check_in = _when(row.get("check_in"), f"{p}.check_in", errors)
        check_out = _when(row.get("check_out"), f"{p}.check_out", errors)
        parsed.append((i, *refs, check_in, check_out, method, code))
    return parsed, errors


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
    if len(rows) > max_records():
        message = f"at most {max_records():,} records per batch (HOMECARE_ECM_MAX_RECORDS)"
        raise IngestInvalid([{"path": prefix, "message": message}])
    parsed, errors = _parse(rows, prefix)
    user_id = actor.pk if isinstance(actor, User) else None
    columns = ("idx", "external_id", "visit", "worker", "check_in", "check_out", "method", "exception_code")
    batch = dict(zip(columns, (list(c) for c in zip(*parsed, strict=True)), strict=True)) if parsed else {}
    with pghistory.context(user=user_id, command="ecm_ingest"), connection.cursor() as cursor:
        cursor.execute(sql("batch"), {c: batch.get(c, []) for c in columns})
        cursor.execute(sql("resolve"), {"provider": provider.pk})
        bad = {e["path"].split("]")[0] for e in errors}
        bounds = {
            "earliest": CHECK_IN_EARLIEST_BEFORE_START,
            "latest": CHECK_IN_LATEST_AFTER_END,
            "longest": LONGEST_ATTENDANCE,
        }
        cursor.execute(sql("checks"), bounds)
        for idx, path_field, message in cursor.fetchall():
            if f"{prefix}[{idx}" not in bad:
                errors.append({"path": f"{prefix}[{idx}].{path_field}", "message": message})
        if errors:
            raise IngestInvalid(sorted(errors, key=_order))
        result = IngestResult()
        cursor.execute(sql("update"))
        result.updated = cursor.fetchone()[0]
        cursor.execute(sql("insert"), {"provider": provider.pk})
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
