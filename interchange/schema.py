"""The bundle's JSON Schema (draft 2020-12), built from lists.py and published as schema.json.

`python -m interchange.schema > interchange/schema.json` regenerates the file;
a test checks the published file equals what the declarations say."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from .lists import LISTS, NESTED, TOP_LEVEL, BundleList, Field

FORMAT = "homecare-bundle/1"
SCHEMA_PATH = Path(__file__).with_name("schema.json")
SCHEMA_ID = "https://homecare.example/schemas/homecare-bundle-1.json"

DATE = r"^\d{4}-\d{2}-\d{2}$"
# Local wall time (read in the bundle's timezone) or with an offset, which is honoured.
DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?$"
REF = {"type": "string", "minLength": 1, "maxLength": 100}


def _nullable(schema: dict, required: bool) -> dict:
    if required:
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


def field_schema(f: Field) -> dict:
    kind = f.kind
    if kind == "ref":
        s: dict = dict(REF)
    elif kind == "str":
        s = {"type": "string", "maxLength": 300}
    elif kind == "date":
        s = {"type": "string", "pattern": DATE, "format": "date"}
    elif kind == "datetime":
        s = {"type": "string", "pattern": DATETIME}
    elif kind == "decimal":
        # Decimal strings, as the format says; whole numbers are also accepted as JSON integers.
        s = {"anyOf": [{"type": "string", "pattern": f.pattern}, {"type": "integer", "minimum": 0}]}
    elif kind == "int":
        s = {"type": "integer"}
        if f.minimum is not None:
            s["minimum"] = f.minimum
        if f.maximum is not None:
            s["maximum"] = f.maximum
    elif kind == "bool":
        s = {"type": "boolean"}
    elif kind == "enum":
        s = {"type": "string", "enum": list(f.enum)}
    elif kind == "strlist":
        s = {"type": "array", "items": {"type": "string", "maxLength": 200}}
    elif kind == "home":
        s = {
            "type": "object",
            "properties": {
                "lat": {"type": "number", "minimum": -90, "maximum": 90},
                "lon": {"type": "number", "minimum": -180, "maximum": 180},
            },
            "required": ["lat", "lon"],
            "additionalProperties": False,
        }
    else:  # pragma: no cover - a typo in lists.py
        raise ValueError(kind)
    return _nullable(s, f.required)


def record_schema(lst: BundleList) -> dict:
    props = {f.name: field_schema(f) for f in lst.fields}
    for nested in NESTED.get(lst.name, ()):
        props[nested.name] = {"type": "array", "items": {"$ref": f"#/$defs/{nested.name}"}}
    return {
        "type": "object",
        "properties": props,
        "required": [f.name for f in lst.fields if f.required],
        "additionalProperties": False,
    }


@cache
def bundle_schema() -> dict:
    props: dict = {
        "format": {"const": FORMAT},
        "timezone": {"type": "string", "minLength": 1},
    }
    for lst in TOP_LEVEL:
        props[lst.name] = {"type": "array", "items": {"$ref": f"#/$defs/{lst.name}"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "homecare data bundle",
        "description": "See docs/bundle.md. Datetimes are local wall times in `timezone` unless they carry an offset.",
        "type": "object",
        "properties": props,
        "required": ["format", "timezone"],
        "additionalProperties": False,
        "$defs": {lst.name: record_schema(lst) for lst in LISTS},
    }


def published_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


if __name__ == "__main__":
    print(json.dumps(bundle_schema(), indent=2))
