"""Hypothesis throws hostile data bundles (records generated from interchange/schema.json, then broken:
wrong types, missing keys, dates out of order, unknown and another provider's refs, huge strings and
numbers, unicode) and hostile ECM batches at the API as provider P1. Whatever it sends, the answer is
a clean import or the listed errors within a time budget; never a 500; a refused request writes
nothing; the other provider's rows never change.

Bounded (FUZZ_EXAMPLES examples each, derandomised so a failure reproduces); the README says how to
run it longer."""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commissioning.api.authentication import hash_key
from commissioning.models import ApiToken
from interchange.importer import import_bundle
from tests.interchange.test_bundle_api import bundle

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
SECONDS = 10  # the time budget of one request
SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "interchange" / "schema.json").read_text())
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("FUZZ_RANDOM") is None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
# Tables whose rows a refused request must not change (row counts), and P2's rows (contents).
TABLES = [
    "commissioning_contract", "commissioning_lot", "commissioning_lotrate", "commissioning_referral",
    "workforce_worker", "workforce_team", "workforce_absence", "outcomes_person", "outcomes_package",
    "outcomes_event", "outcomes_credit", "rota_shift", "rota_visit", "rota_attendance",
]  # fmt: skip
OTHER_PROVIDER_TABLES = [
    "workforce_worker",
    "outcomes_person",
    "rota_visit",
    "rota_attendance",
    "commissioning_contract",
]

# --- values an attacker sends --------------------------------------------------------------------

HUGE_TEXT = "x" * 200_000
FOREIGN_REFS = ["P2", "C-P2", "W2", "Q2", "V2", "LCC", "NOPE", "P1"]
hostile = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
    st.sampled_from([HUGE_TEXT, "9" * 5000, "-1", "0", "1e308", "", " ", "\u202e", "😀" * 50, "=1+1", "\r\n"]),
    st.sampled_from(["2025-09-08", "2025-02-30", "1900-01-01", "9999-12-31", "2025-09-08T25:00", "0000-01-01T00:00"]),
    st.sampled_from(["2025-09-08T09:00", "2025-09-08T08:00+23:59", "2025-09-08T09:00Z", "2025-03-30T01:30"]),
    st.sampled_from(FOREIGN_REFS),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def from_schema(schema: dict, depth: int = 0) -> st.SearchStrategy:
    """Values that interchange/schema.json allows (roughly: dates in the right shape, not always real
    dates): the starting point that the mutations below break."""
    schema = _resolve(schema)
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema:
        return st.one_of([from_schema(s, depth) for s in schema["anyOf"]])
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        if depth > 2:
            return st.fixed_dictionaries({k: from_schema(props[k], depth + 1) for k in required})
        return st.fixed_dictionaries(
            {k: from_schema(v, depth + 1) for k, v in props.items() if k in required},
            optional={k: from_schema(v, depth + 1) for k, v in props.items() if k not in required},
        )
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {}), depth + 1), max_size=2 if depth < 2 else 0)
    if kind == "integer":
        return st.integers(min_value=schema.get("minimum", -1000), max_value=schema.get("maximum", 1000))
    if kind == "number":
        return st.floats(min_value=schema.get("minimum", -1000), max_value=schema.get("maximum", 1000))
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    pattern = schema.get("pattern", "")
    if "T" in pattern:
        return st.sampled_from(["2025-09-08T09:00", "2025-09-08T09:30", "2025-09-08T08:00", "2025-10-26T01:30"])
    if pattern.startswith("^\\d{4}"):
        return st.sampled_from(["2025-07-07", "2025-09-08", "2024-01-01", "2025-09-01"])
    if pattern:
        return st.sampled_from(["1", "12.50", "0", "26.22"])
    return st.one_of(st.sampled_from(FOREIGN_REFS), st.text(min_size=schema.get("minLength", 0), max_size=12))


LISTS = [k for k, v in SCHEMA["properties"].items() if v.get("type") == "array"]


@st.composite
def hostile_bundles(draw) -> dict:
    """P1's small valid bundle, then a few changes: a field set to a hostile value, a key dropped, an
    unknown key, a record generated from the schema, a whole record or list replaced."""
    b = bundle()
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        name = draw(st.sampled_from(LISTS))
        item_schema = _resolve(SCHEMA["properties"][name]["items"])
        records = b.setdefault(name, [])
        action = draw(st.sampled_from(["set", "drop", "unknown", "add", "replace", "list"]))
        if action == "add" or not records:
            records.append(draw(from_schema(item_schema)))
        elif action == "list":
            b[name] = draw(hostile)
            continue
        i = draw(st.integers(min_value=0, max_value=len(records) - 1))
        if action == "replace":
            records[i] = draw(hostile)
        elif isinstance(records[i], dict):
            field = draw(st.sampled_from(sorted(item_schema.get("properties", {"ref": {}}))))
            if action == "set":
                records[i][field] = draw(hostile)
            elif action == "drop":
                records[i].pop(field, None)
            else:
                records[i][draw(st.text(min_size=1, max_size=10))] = draw(hostile)
    if draw(st.booleans()):
        b[draw(st.sampled_from(["format", "timezone"]))] = draw(hostile)
    return b


@st.composite
def hostile_batches(draw) -> dict:
    good = {
        "external_id": "E1",
        "visit": "V1",
        "worker": "W1",
        "check_in": "2025-09-08T09:05",
        "check_out": "2025-09-08T09:50",
    }
    records = []
    for n in range(draw(st.integers(min_value=0, max_value=4))):
        record = dict(good, external_id=f"E{n}")
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            if not isinstance(record, dict):
                break
            action = draw(st.sampled_from(["set", "drop", "unknown", "swap", "replace"]))
            field = draw(st.sampled_from(list(good) + ["method", "exception_code"]))
            if action == "set":
                record[field] = draw(hostile)
            elif action == "drop":
                record.pop(field, None)
            elif action == "unknown":
                record[draw(st.text(min_size=1, max_size=8))] = draw(hostile)
            elif action == "swap":  # check-out before check-in
                record["check_in"], record["check_out"] = record.get("check_out"), record.get("check_in")
            else:
                record = draw(hostile)
        records.append(record)
    body = {"attendances": records}
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        body = draw(st.one_of(hostile, st.just({"attendances": draw(hostile)})))
    return body


# --- the scenario and the invariants ---------------------------------------------------------------


def _token(org, name: str) -> Client:
    key = f"fuzz-{name}-0123456789abcdef"
    ApiToken.objects.create(organisation=org, name=name, prefix=key[:12], key_hash=hash_key(key), scope="write")
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture
def scene(provider, contract, other_provider, other_contract):
    """P1 and P2 each with a worker, a person and a visit with an attendance (their own bundles)."""
    import_bundle(io.BytesIO(json.dumps(bundle()).encode()))
    p2 = bundle("P2", "C-P2")
    p2["workers"][0]["ref"], p2["people"][0]["ref"], p2["visits"][0]["ref"] = "W2", "Q2", "V2"
    p2["people"][0]["ref"] = "Q2"
    p2["visits"][0]["person"], p2["visits"][0]["attendances"][0]["worker"] = "Q2", "W2"
    import_bundle(io.BytesIO(json.dumps(p2).encode()))
    with override_settings(HOMECARE_API_WRITE_RATE="100000/min"):  # the rate limit has its own test
        yield {"client": _token(provider, "p1"), "other": other_provider.pk}


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in TABLES))
        return dict(cursor.fetchall())


def _other_rows(provider_id: int) -> list:
    with connection.cursor() as cursor:
        rows = []
        for table in OTHER_PROVIDER_TABLES:
            cursor.execute(f"SELECT to_jsonb(t)::text FROM {table} t WHERE provider_id = %s ORDER BY id", [provider_id])
            rows.append((table, [r[0] for r in cursor.fetchall()]))
        return rows


def _send(scene, path: str, body) -> None:
    before, other_before = _counts(), _other_rows(scene["other"])
    payload = json.dumps(body)
    started = time.monotonic()
    response = scene["client"].post(path, payload, content_type="application/json")
    took = time.monotonic() - started
    assert took < SECONDS, f"{took:.1f} s for {payload[:300]}"
    assert response.status_code in (200, 400, 413), (
        f"{response.status_code} for {payload[:300]}: {response.content[:300]}"
    )
    if response.status_code != 200:
        errors = response.json()["errors"]
        assert errors and all(set(e) == {"path", "message"} and e["message"] for e in errors), errors
        assert _counts() == before, f"a refused request wrote rows: {payload[:300]}"
    assert _other_rows(scene["other"]) == other_before, f"P2's rows changed: {payload[:300]}"


@FUZZ
@given(body=hostile_bundles())
def test_hostile_bundles_end_in_listed_errors_or_a_clean_import(scene, body):
    _send(scene, "/api/v1/bundles/import", body)


@FUZZ
@given(body=hostile_batches())
def test_hostile_ecm_batches_end_in_listed_errors_or_a_clean_import(scene, body):
    _send(scene, "/api/v1/ecm/attendances", body)
