"""Stream a bundle: one record at a time, never the whole document in memory.

The standard library's C JSON decoder builds each record; a thin Python loop walks the document's
outer object and lists. Each record is checked by a fast hand-compiled check derived from
lists.py; only a record that fails it goes through the (slow, complete) JSON Schema validator,
which lists every error with its path."""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, BinaryIO

import jsonschema

from .lists import BY_NAME, NESTED, F, L
from .schema import DATE, DATETIME, bundle_schema

# The parser reads the file in chunks of this size: big enough that syscalls don't matter,
# small enough that memory stays flat whatever the size of the bundle.
READ_BUFFER_BYTES = 1 << 20


class Invalid(Exception):
    pass


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


# The standard library's C decoder builds one record at a time (about three times as fast as
# ijson's event stream feeding its item builder). Numbers with a fraction are Decimals, as ijson
# gave them; NaN and Infinity are not JSON.
_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_no_constant)
_BLANK = re.compile(r"[ \t\n\r]*")


class Scanner:
    """A bundle's text read a chunk at a time; `value()` decodes the JSON value at the cursor.

    Only the document's outer object and its lists are walked here (a few Python steps per record);
    each record is decoded whole in C by `json.JSONDecoder.raw_decode`. A record cut by the end of
    a chunk fails to decode near the end of the buffer: the next chunk is appended and it is decoded
    again (once per chunk, so about once per megabyte)."""

    def __init__(self, fp: BinaryIO, chunk: int = READ_BUFFER_BYTES):
        self.fp = fp
        self.chunk = chunk
        self.utf8 = codecs.getincrementaldecoder("utf-8")()
        self.buf = ""
        self.pos = 0
        self.base = 0  # characters dropped from the front of buf, for error positions
        self.eof = False

    def _more(self) -> bool:
        if self.eof:
            return False
        data = self.fp.read(self.chunk)
        try:
            text = self.utf8.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise Invalid(f"not UTF-8: {exc.reason}") from None
        self.eof = not data
        self.base += self.pos
        self.buf = self.buf[self.pos :] + text
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next character that is not blank ('' at the end), not consumed."""
        while True:
            self.pos = _BLANK.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def expect(self, ch: str) -> None:
        if self.peek() != ch:
            raise Invalid(f"expected {ch!r} at character {self.base + self.pos}")
        self.pos += 1

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                v, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # Near the end of the buffer (a literal, number or escape cut short) or a string
                # running past it: the value may go on in the next chunk.
                cut = exc.pos >= len(self.buf) - 16 or exc.msg.startswith("Unterminated string")
                if cut and self._more():
                    continue
                raise Invalid(f"{exc.msg} at character {self.base + exc.pos}") from None
            except (ValueError, RecursionError) as exc:
                raise Invalid(str(exc)) from None
            if end == len(self.buf) and self._more():
                continue  # a number at the very end may go on in the next chunk
            self.pos = end
            return v


def stream(fp: BinaryIO) -> Iterator[tuple[str, Any]]:
    """Yield ("format"|"timezone"|other scalar key, value) and (list name, record) pairs in file
    order, then (list name, None) at the end of each list (an empty list too). A top-level key
    holding an object yields (key, Ellipsis)."""
    sc = Scanner(fp)
    if sc.peek() != "{":
        raise Invalid("the bundle must be a JSON object")
    sc.pos += 1
    if sc.peek() == "}":
        sc.pos += 1
    else:
        while True:
            if sc.peek() != '"':
                raise Invalid(f"expected a key at character {sc.base + sc.pos}")
            key = sc.value()
            sc.expect(":")
            if sc.peek() == "[":
                sc.pos += 1
                if sc.peek() == "]":
                    sc.pos += 1
                else:
                    while True:
                        yield key, sc.value()
                        ch = sc.peek()
                        sc.pos += 1
                        if ch == "]":
                            break
                        if ch != ",":
                            raise Invalid(f"expected ',' or ']' at character {sc.base + sc.pos - 1}")
                yield key, None
            else:
                v = sc.value()
                yield key, (Ellipsis if type(v) is dict else v)
            ch = sc.peek()
            sc.pos += 1
            if ch == "}":
                break
            if ch != ",":
                raise Invalid(f"expected ',' or '}}' at character {sc.base + sc.pos - 1}")
    if sc.peek() != "":
        raise Invalid(f"more data after the bundle at character {sc.base + sc.pos}")


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
