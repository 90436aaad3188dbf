"""Stream a bundle: one record at a time, never the whole document in memory.

The standard library's C JSON decoder builds each record; a thin Python loop walks the document's
outer object and lists. Each record is checked by a fast hand-compiled check derived from
lists.py; only a record that fails it goes through the (slow, complete) JSON Schema validator,
which lists every error with its path."""

from __future__ import annotations

import codecs
import json
import re
from collections import Counter
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
        self.read_bytes = 0  # bytes read from fp (from where it stood when given, or last seek)
        self.start = 0  # the byte offset in the file of the first of them

    def _more(self) -> bool:
        if self.eof:
            return False
        data = self.fp.read(self.chunk)
        try:
            text = self.utf8.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise Invalid(f"not UTF-8: {exc.reason}") from None
        self.eof = not data
        self.read_bytes += len(data)
        self.base += self.pos
        self.buf = self.buf[self.pos :] + text
        self.pos = 0
        return True

    def offset(self) -> int:
        """The byte offset in the file of the cursor (once per list: it encodes the buffer's rest)."""
        pending = len(self.utf8.getstate()[0])  # bytes of a character cut by the chunk's end
        return self.start + self.read_bytes - pending - len(self.buf[self.pos :].encode("utf-8"))

    def seek(self, offset: int) -> None:
        """Go on reading from byte `offset` of the file (which must begin a character)."""
        self.fp.seek(offset)
        self.utf8.reset()
        self.base += self.pos + offset - self.offset()  # error positions stay near the truth
        self.buf, self.pos, self.eof = "", 0, False
        self.read_bytes, self.start = 0, offset

    def peek(self) -> str:
        """The next character that is not blank ('' at the end), not consumed."""
        buf, pos = self.buf, self.pos
        if pos < len(buf) and buf[pos] not in " \t\n\r":
            return buf[pos]  # the usual case: no regular expression call, twice per record
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


# Yielded as (list name, LIST_START) where a list begins.
LIST_START = object()


def stream(fp: BinaryIO | Scanner) -> Iterator[tuple[str, Any]]:
    """Yield ("format"|"timezone"|other scalar key, value) and, for a list, (list name, LIST_START),
    (list name, record) for each record in file order, then (list name, None) at the end of the
    list (an empty list too). A top-level key holding an object yields (key, Ellipsis).
    Given a Scanner, the caller may move it (`seek`) to a record's start where a list begins."""
    sc = fp if isinstance(fp, Scanner) else Scanner(fp)
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
                yield key, LIST_START
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
# Date and datetime strings found good.
_GOOD_DATES: set[str] = set()
_GOOD_DATETIMES: set[str] = set()


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
            # PostgreSQL text cannot hold NUL: refused here, listed, rather than failing the copy.
            if type(v) is not str or len(v) > limit or (kind == "ref" and not v) or "\x00" in v:
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
            if type(v) is not list or any(type(x) is not str or len(x) > 200 or "\x00" in x for x in v):
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


def _field_code(n: int, f: F) -> tuple[list[str], dict[str, Any]]:
    """Straight-line code staging field `f` into the local `v{n}`: the same rules as _converter
    (which stays the reference for them), without a call per field (a city has 4 million fields)."""
    v = f"v{n}"
    env: dict[str, Any] = {}
    lines = [f"    {v} = get({f.name!r})"]
    if f.kind in ("home", "strlist"):
        env[f"conv{n}"] = _converter(f)
        return [*lines, f"    {v} = conv{n}({v})"], env
    if f.required:
        lines += [f"    if {v} is None:", "        raise Invalid"]
    else:
        env[f"d{n}"] = f.default
        lines += [f"    if {v} is None:", f"        {v} = d{n}"]
    kind = f.kind
    if kind in ("ref", "str"):
        bad = f"type({v}) is not str or len({v}) > {100 if kind == 'ref' else 300} or '\\x00' in {v}" + (
            f" or not {v}" if kind == "ref" else ""
        )
        lines += [f"    elif {bad}:", "        raise Invalid"]
    elif kind == "enum":
        env[f"e{n}"] = frozenset(f.enum)
        lines += [f"    elif type({v}) is not str or {v} not in e{n}:", "        raise Invalid"]
    elif kind in ("date", "datetime"):
        # The pattern says the shape, fromisoformat that it is a real calendar date (ValueError).
        # Most values repeat (planned times on the hour, check-ins to the minute): one already
        # found good is not checked again (a bounded set per kind, shared by every field).
        pat, parse, good = ("date_re", "fromdate", "good_date") if kind == "date" else ("dt_re", "fromdt", "good_dt")
        lines += [
            f"    elif {v}.__class__ is str and {v} in {good}:",
            "        pass",
            f"    elif type({v}) is not str or not {pat}({v}):",
            "        raise Invalid",
            "    else:",
            f"        {parse}({v})",
            f"        if len({good}) >= GOOD_MAX:",
            f"            {good}.clear()",
            f"        {good}.add({v})",
        ]
    elif kind == "decimal":
        env[f"p{n}"] = re.compile(f.pattern or "").match
        lines += [
            f"    elif type({v}) is int and {v} >= 0:",
            f"        {v} = str({v})",
            f"    elif type({v}) is not str or not p{n}({v}):",
            "        raise Invalid",
        ]
    elif kind == "int":
        bad = f"type({v}) is not int"
        bad += f" or {v} < {f.minimum}" if f.minimum is not None else ""
        bad += f" or {v} > {f.maximum}" if f.maximum is not None else ""
        lines += [f"    elif {bad}:", "        raise Invalid"]
    elif kind == "bool":
        lines += [f"    elif type({v}) is not bool:", "        raise Invalid"]
    else:  # pragma: no cover
        raise ValueError(kind)
    return lines, env


@cache
def flattener(list_name: str) -> Callable[[dict], tuple]:
    """record -> the staged values of its fields (home gives two), in lists.py order; raises
    Invalid (or ValueError for an impossible date) when the schema would fail."""
    lst: L = BY_NAME[list_name]
    allowed = frozenset(f.name for f in lst.fields) | {n.name for n in NESTED.get(list_name, ())}
    env: dict[str, Any] = {
        "Invalid": Invalid,
        "allowed": allowed,
        "date_re": _DATE_RE.match,
        "dt_re": _DT_RE.match,
        "fromdate": date.fromisoformat,
        "fromdt": datetime.fromisoformat,
        "good_date": _GOOD_DATES,
        "good_dt": _GOOD_DATETIMES,
        "GOOD_MAX": 100_000,
    }
    lines = [
        "def flatten(record):",
        "    if type(record) is not dict or not allowed.issuperset(record):",
        "        raise Invalid",
        "    get = record.get",
    ]
    out = []
    for n, f in enumerate(lst.fields):
        code, names = _field_code(n, f)
        lines += code
        env.update(names)
        out.append(f"*v{n}" if f.kind == "home" else f"v{n}")
    lines.append(f"    return ({', '.join(out)},)")
    exec(compile("\n".join(lines), f"<flatten {list_name}>", "exec"), env)  # noqa: S102 - our own code
    return env["flatten"]


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
    if not errors and isinstance(record, dict):
        # JSON allows a NUL character in a string; PostgreSQL text does not.
        errors += [
            {"path": f"{path}.{k}", "message": "holds a NUL character, which cannot be stored"}
            for k, v in record.items()
            if isinstance(v, str) and "\x00" in v
        ]
    if not errors:
        # The fast check and the schema agree except on calendar validity of datetimes.
        errors.append({"path": path, "message": "a date or datetime is not a real calendar date"})
    return errors


# --- records to staged rows -----------------------------------------------------------------------

# Lists whose records others hang off: their owners are remembered so the big lists get theirs
# while being read (an UPDATE of a city's visits afterwards costs seconds).
OWNER_SOURCES = frozenset({"people", "workers", "packages"})


class Records:
    """Turns records into staged rows (`sink.adder(list)(row)`, `sink.add_bad(list, row)`) and
    collects the errors of records failing their check. Used by the importer and by its helper
    process (spool.py), so both stage a record the same way."""

    def __init__(self, sink, *, max_errors: int):
        self.sink = sink
        self.max_errors = max_errors
        self.errors: list[dict] = []
        # ref -> provider ref of the records others hang off (small lists: people, workers, packages).
        self.owners: dict[str, dict[str, str]] = {}
        self.handlers: dict[str, Callable[[int, Any], None]] = {}
        # Rows staged without their owner per list (checks.derive_owners fills those in).
        self.unowned: Counter[str] = Counter()

    def error(self, path: str, message: str, i: int | None = None) -> None:
        """`i`: the index of the record in its list (errors of a record failing its check)."""
        if len(self.errors) < self.max_errors:
            self.errors.append({"path": path, "message": message})

    def record(self, list_name: str, i: int, record: Any) -> None:
        handle = self.handlers.get(list_name)
        if handle is None:
            handle = self.handlers[list_name] = self._handler(list_name)
        handle(i, record)

    def _handler(self, list_name: str) -> Callable[[int, Any], None]:
        """The function staging one record of `list_name` (and its nested lists' records), with
        everything it needs looked up once: a city has 370,000 records and 640,000 rows."""
        lst = BY_NAME[list_name]
        flatten = flattener(list_name)
        add = self.sink.adder(list_name)
        children = [(c.name, flattener(c.name), self.sink.adder(c.name)) for c in NESTED.get(list_name, ())]
        # The owning provider's ref when already known; else None and checks.derive_owners finds it.
        owner_kind = lst.owner[0] if lst.owner else None
        owner_field = lst.owner[1] if lst.owner else None
        owners_of = self.owners.setdefault(lst.owner[2], {}) if owner_kind == "via" else None
        remember = self.owners.setdefault(list_name, {}) if list_name in OWNER_SOURCES else None
        unowned = self.unowned

        def handle(i: int, record: Any) -> None:
            try:
                row = flatten(record)
                if owner_kind is None:
                    prov = None
                elif owners_of is None:
                    prov = record.get(owner_field)
                else:
                    prov = owners_of.get(record.get(owner_field))
                nested_rows = []
                for name, flatten_child, add_child in children:
                    items = record.get(name)
                    if items is None:
                        continue
                    if type(items) is not list:
                        raise Invalid
                    ref = record.get("ref")
                    nested_rows.append(
                        (name, add_child, [(j, False, prov, i, ref, *flatten_child(it)) for j, it in enumerate(items)])
                    )
            except (Invalid, ValueError, AttributeError, TypeError):
                self.bad(list_name, i, record)
                return
            if prov is not None:
                if remember is not None:
                    remember.setdefault(record.get("ref"), prov)
            elif owner_kind is not None or nested_rows:
                unowned[list_name] += owner_kind is not None
                for name, _, rows in nested_rows:
                    unowned[name] += len(rows)
            add((i, False, prov, *row))
            for _, add_child, rows in nested_rows:
                for r in rows:
                    add_child(r)

        return handle

    def bad(self, list_name: str, i: int, record: Any) -> None:
        """A record failing the fast check: the schema validator lists its errors; it is staged
        with its ref only (see staging.Stager.add_bad)."""
        for err in schema_errors(list_name, record, f"{list_name}[{i}]"):
            self.error(err["path"], err["message"], i)
        ref = record.get("ref") if isinstance(record, dict) else None
        ref = ref if type(ref) is str else None  # only a string can be referred to
        has_ref = "ref" in BY_NAME[list_name].fmap
        self.sink.add_bad(list_name, (i, True, None, *([ref] if has_ref else [])))
