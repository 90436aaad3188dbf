"""Stream a bundle: one record at a time, never the whole document in memory.

The C parser (yajl2_c) builds each record; a thin Python filter routes the top-level keys. Each
record is checked by a fast hand-compiled check derived from lists.py; only a record that fails it
goes through the (slow, complete) JSON Schema validator, which lists every error with its path."""

from __future__ import annotations

import importlib
import re
from collections import deque
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from functools import cache, partial
from itertools import islice, takewhile
from operator import ne
from typing import Any, BinaryIO

import ijson
import jsonschema

from .lists import BY_NAME, NESTED, F, L
from .schema import DATE, DATETIME, bundle_schema

# The parser reads the file in chunks of this size: big enough that syscalls don't matter,
# small enough that memory stays flat whatever the size of the bundle.
READ_BUFFER_BYTES = 1 << 20


class Invalid(Exception):
    pass


# Events pushed into the item builder per round (bounds the records held at once to a few thousand).
CHUNK_EVENTS = 1 << 16

_items_basecoro = importlib.import_module(f"ijson.backends.{ijson.backend}").items_basecoro


def _records(events: Iterator, key: str) -> Iterator[Any]:
    """The records of the list `key`, up to (and consuming) its end_array.

    `ijson.items` over an event iterator runs a Python loop per event (only a file source stays in
    C); a city has ten million events. Here C does that loop: takewhile stops at the list's end,
    map() pushes each event into ijson's C item builder and deque() drains it, a chunk at a time;
    Python only picks up the finished records."""
    it = takewhile(partial(ne, (key, "end_array", None)), events)
    sink = ijson.utils.sendable_list()
    send = _items_basecoro(sink, f"{key}.item").send
    while deque(map(send, islice(it, CHUNK_EVENTS)), maxlen=1):  # empty once the list has ended
        yield from sink
        sink.clear()
    yield from sink


def stream(fp: BinaryIO) -> Iterator[tuple[str, Any]]:
    """Yield ("format"|"timezone"|other scalar key, value) and (list name, record) pairs in file order.
    A top-level key holding something else than a list or a scalar yields (key, Ellipsis)."""
    events = ijson.parse(fp, buf_size=READ_BUFFER_BYTES, use_float=False)
    first = next(events, None)
    if first is None or first[1] != "start_map":
        raise Invalid("the bundle must be a JSON object")
    for prefix, event, value in events:
        if prefix != "" or event != "map_key":
            continue
        key = value
        _, ev, val = next(events)
        if ev == "start_array":
            for record in _records(events, key):
                yield key, record
            yield key, None  # marks the end of the list (an empty list still yields this)
        elif ev == "start_map":
            depth = 1
            for _, e, _ in events:
                depth += e == "start_map"
                depth -= e == "end_map"
                if depth == 0:
                    break
            yield key, Ellipsis
        else:
            yield key, val


# --- fast per-record checks and flattening -------------------------------------------------------

_DATE_RE = re.compile(DATE)
_DT_RE = re.compile(DATETIME)


def _converter(f: F) -> Callable[[Any], Any]:
    """A function returning the staged value of the field, raising Invalid when the schema would fail."""
    kind, required = f.kind, f.required
    default = f.default

    def missing():
        if required:
            raise Invalid
        return default

    if kind in ("ref", "str"):
        limit = 100 if kind == "ref" else 300

        def conv(v):
            if v is None:
                return missing()
            if type(v) is not str or len(v) > limit or (kind == "ref" and not v):
                raise Invalid
            return v
    elif kind == "enum":
        allowed = frozenset(f.enum)

        def conv(v):
            if v is None:
                return missing()
            if v not in allowed or type(v) is not str:
                raise Invalid
            return v
    elif kind == "date":

        def conv(v):
            if v is None:
                return missing()
            if type(v) is not str or not _DATE_RE.match(v):
                raise Invalid
            date.fromisoformat(v)  # ValueError for 2025-02-30
            return v
    elif kind == "datetime":

        def conv(v):
            if v is None:
                return missing()
            if type(v) is not str or not _DT_RE.match(v):
                raise Invalid
            datetime.fromisoformat(v)
            return v
    elif kind == "decimal":
        pat = re.compile(f.pattern or "")

        def conv(v):
            if v is None:
                return missing()
            if type(v) is int and v >= 0:
                return str(v)
            if type(v) is not str or not pat.match(v):
                raise Invalid
            return v
    elif kind == "int":
        lo, hi = f.minimum, f.maximum

        def conv(v):
            if v is None:
                return missing()
            if type(v) is not int or (lo is not None and v < lo) or (hi is not None and v > hi):
                raise Invalid
            return v
    elif kind == "bool":

        def conv(v):
            if v is None:
                return missing()
            if type(v) is not bool:
                raise Invalid
            return v
    elif kind == "strlist":

        def conv(v):
            if v is None:
                return missing()
            if type(v) is not list or any(type(x) is not str or len(x) > 200 for x in v):
                raise Invalid
            return v
    elif kind == "home":

        def conv(v):
            if v is None:
                return (None, None)
            if type(v) is not dict or set(v) != {"lat", "lon"}:
                raise Invalid
            lat, lon = v["lat"], v["lon"]
            if type(lat) not in (int, Decimal, float) or type(lon) not in (int, Decimal, float):
                raise Invalid
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise Invalid
            return (float(lat), float(lon))
    else:  # pragma: no cover
        raise ValueError(kind)
    return conv


@cache
def flattener(list_name: str) -> Callable[[dict], tuple]:
    """record -> the staged values of its fields (home gives two), in lists.py order."""
    lst: L = BY_NAME[list_name]
    names = [f.name for f in lst.fields]
    convs = [(f.name, _converter(f), f.kind == "home") for f in lst.fields]
    allowed = frozenset(names) | {n.name for n in NESTED.get(list_name, ())}

    def flatten(record: dict) -> tuple:
        if type(record) is not dict or not allowed.issuperset(record):
            raise Invalid
        out: list = []
        get = record.get
        for name, conv, pair in convs:
            if pair:
                out.extend(conv(get(name)))
            else:
                out.append(conv(get(name)))
        return tuple(out)

    return flatten


@cache
def _validator(list_name: str) -> jsonschema.Draft202012Validator:
    schema = bundle_schema()
    sub = {"$defs": schema["$defs"], **schema["$defs"][list_name]}
    return jsonschema.Draft202012Validator(sub, format_checker=jsonschema.FormatChecker())


def schema_errors(list_name: str, record: Any, path: str) -> list[dict]:
    """Every schema error of one record, with JSON paths under `path`."""
    errors = []
    for err in sorted(_validator(list_name).iter_errors(record), key=lambda e: list(map(str, e.absolute_path))):
        suffix = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path)
        message = err.message
        if err.validator == "anyOf" and err.context:
            # "x is not valid under any of the given schemas": say what the non-null branch wanted.
            message = err.context[0].message
        elif err.validator == "additionalProperties":
            message = message.replace("Additional properties are not allowed", "unknown field")
        elif err.validator == "required":
            # Name the missing field in the path, like every other error.
            for name in err.validator_value:
                if isinstance(err.instance, dict) and name not in err.instance:
                    errors.append({"path": f"{path}{suffix}.{name}", "message": "is required"})
            continue
        errors.append({"path": path + suffix, "message": message})
    if not errors:
        # The fast check and the schema agree except on calendar validity of datetimes.
        errors.append({"path": path, "message": "a date or datetime is not a real calendar date"})
    return errors
