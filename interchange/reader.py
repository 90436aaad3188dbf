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

from .lists import BY_NAME, NESTED, BundleList, Field
from .schema import DATE, DATETIME, bundle_schema

# The parser reads the file in chunks of this size: big enough that syscalls don't matter,
# small enough that memory stays flat whatever the size of the bundle.
READ_BUFFER_BYTES = 1 << 20
# The longest record (or other value) read: a care record is well under a kilobyte, a contract with
# its lots a few. Beyond this the file is refused where the record begins, so a hostile file cannot
# make the reader hold (and decode) hundreds of megabytes at once.
MAX_VALUE_CHARS = 1 << 20


class Invalid(Exception):
    pass


class Full(Exception):
    """The error list is full (Records.max_errors): nothing read after could change what is
    reported, so reading stops there instead of checking every record of a wholly wrong file."""


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


# The standard library's C decoder builds one record at a time (about three times as fast as
# ijson's event stream feeding its item builder). Numbers with a fraction are Decimals, as ijson
# gave them; NaN and Infinity are not JSON.
_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_no_constant)
_BLANK = re.compile(r"[ \t\n\r]*")
# What decides where a value ends: a whole string (skipped), a bracket, or the opening quote of a
# string whose end is not in the buffer yet.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[][{}]|"')
_SCALAR_START = frozenset("-0123456789tfn")
_SCALAR = re.compile(r"[-+.0-9eEtruefalsn]*")


class Scanner:
    """A bundle's text read a chunk at a time; `value()` decodes the JSON value at the cursor.

    Only the document's outer object and its lists are walked here (a few Python steps per record);
    each record is decoded whole in C by `json.JSONDecoder.raw_decode`, once: a record cut by the
    end of a chunk fails to decode near the end of the buffer, the reader reads on until its end
    is in the buffer (counting brackets outside strings, each character looked at once) and then
    decodes it. `on_read`, when given, is told how many bytes have been read after each chunk."""

    def __init__(self, fp: BinaryIO, chunk: int = READ_BUFFER_BYTES, *, on_read: Callable[[int], None] | None = None):
        self.fp = fp
        self.chunk = chunk
        self.utf8 = codecs.getincrementaldecoder("utf-8")()
        self.buf = ""
        self.pos = 0
        self.base = 0  # characters dropped from the front of buf, for error positions
        self.eof = False
        self.read_bytes = 0
        self.on_read = on_read

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
        self.read_bytes += len(data)
        if self.on_read is not None:
            self.on_read(self.read_bytes)
        return True

    def peek(self) -> str:
        """The next character that is not blank ('' at the end), not consumed."""
        buf, pos = self.buf, self.pos
        while pos < len(buf):  # the usual case: at most a newline between records
            ch = buf[pos]
            if ch not in " \t\n\r":
                self.pos = pos
                return ch
            if pos - self.pos > 8:
                break  # a long run of blanks (an indented file): the regular expression
            pos += 1
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
        buf, pos = self.buf, self.pos
        if pos >= len(buf) or buf[pos] in " \t\n\r":
            self.peek()
        try:
            v, end = _DECODER.raw_decode(self.buf, self.pos)
        except json.JSONDecodeError as exc:
            # Near the end of the buffer (a literal, number or escape cut short) or a string
            # running past it: the value may go on in the next chunks.
            if not (exc.pos >= len(self.buf) - 16 or exc.msg.startswith("Unterminated string")) or self.eof:
                raise Invalid(f"{exc.msg} at character {self.base + exc.pos}") from None
            self._read_to_end()
            v, end = self._decode()
        except (ValueError, RecursionError) as exc:
            raise Invalid(str(exc)) from None
        if end == len(self.buf) and type(v) in (int, Decimal) and not self.eof:
            self._read_to_end()  # a number at the very end may go on in the next chunk
            v, end = self._decode()
        self.pos = end
        return v

    def _decode(self) -> tuple[Any, int]:
        try:
            return _DECODER.raw_decode(self.buf, self.pos)
        except json.JSONDecodeError as exc:
            raise Invalid(f"{exc.msg} at character {self.base + exc.pos}") from None
        except (ValueError, RecursionError) as exc:
            raise Invalid(str(exc)) from None

    def _read_to_end(self) -> None:
        """Read on until the whole value at the cursor is in the buffer (or the file ends, where
        the decoder then says what is wrong), without decoding it; refuse one longer than
        MAX_VALUE_CHARS."""
        depth, scan = 0, self.pos
        scalar = self.buf[self.pos] in _SCALAR_START
        while True:
            if scalar:
                if _SCALAR.match(self.buf, self.pos).end() < len(self.buf):
                    return  # something follows the number or literal: it is whole
            else:
                for found in _TOKEN.finditer(self.buf, scan):
                    token = found.group()
                    if token == '"':  # a string not ended yet: look at it again from its quote
                        scan = found.start()
                        break
                    if len(token) == 1:
                        depth += 1 if token in "[{" else -1
                    if depth == 0:
                        return  # the value's last bracket, or the string that is the value
                else:
                    scan = len(self.buf)
            if len(self.buf) - self.pos > MAX_VALUE_CHARS:
                raise Invalid(
                    f"a record or value longer than {MAX_VALUE_CHARS:,} characters, at character {self.base + self.pos}"
                )
            start = self.pos
            if not self._more():
                return
            scan -= start  # _more dropped what was before the cursor


# Yielded as (list name, LIST_START) where a list begins.
LIST_START = object()


def stream(fp: BinaryIO, on_read: Callable[[int], None] | None = None) -> Iterator[tuple[str, Any]]:
    """Yield ("format"|"timezone"|other scalar key, value) and, for a list, (list name, LIST_START),
    (list name, record) for each record in file order, then (list name, None) at the end of the
    list (an empty list too). A top-level key holding an object yields (key, Ellipsis). `on_read`:
    see Scanner."""
    sc = Scanner(fp, on_read=on_read)
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


def _strlist(v: Any) -> Any:
    """A list of strings (wards, skills); None stays None (the field's default applies)."""
    if v is not None and (type(v) is not list or any(type(x) is not str or len(x) > 200 or "\x00" in x for x in v)):
        raise Invalid
    return v


def _home(v: Any) -> tuple[float | None, float | None]:
    """{"lat", "lon"} within range -> (lat, lon); None -> (None, None)."""
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


def _field_code(n: int, f: Field) -> tuple[list[str], dict[str, Any]]:
    """Straight-line code staging field `f` into the local `v{n}`, raising Invalid where the schema
    would fail, without a call per field (a city has 4 million fields); the two rare structured
    kinds call `_home` and `_strlist`."""
    v = f"v{n}"
    env: dict[str, Any] = {}
    lines = [f"    {v} = get({f.name!r})"]
    if f.kind == "home":
        env[f"conv{n}"] = _home
        return [*lines, f"    {v} = conv{n}({v})"], env
    if f.kind == "strlist":
        env[f"conv{n}"], env[f"d{n}"] = _strlist, f.default
        return [*lines, f"    {v} = conv{n}({v})", f"    if {v} is None:", f"        {v} = d{n}"], env
    if f.required:
        lines += [f"    if {v} is None:", "        raise Invalid"]
    else:
        env[f"d{n}"] = f.default
        lines += [f"    if {v} is None:", f"        {v} = d{n}"]
    kind = f.kind
    if kind in ("ref", "str"):
        # PostgreSQL text cannot hold NUL: refused here, listed, rather than failing the copy.
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
    lst: BundleList = BY_NAME[list_name]
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
    collects the errors of records failing their check."""

    def __init__(self, sink, *, max_errors: int):
        self.sink = sink
        self.max_errors = max_errors
        self.errors: list[dict] = []
        # ref -> provider ref of the records others hang off (small lists: people, workers, packages).
        self.owners: dict[str, dict[str, str]] = {}
        # Rows staged without their owner per list (checks.derive_owners fills those in).
        self.unowned: Counter[str] = Counter()

    def error(self, path: str, message: str) -> None:
        """One more error; Full once there are max_errors of them."""
        self.errors.append({"path": path, "message": message})
        if len(self.errors) >= self.max_errors:
            raise Full

    def handler(self, list_name: str) -> Callable[[int, Any], None]:
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
            self.error(err["path"], err["message"])
        ref = record.get("ref") if isinstance(record, dict) else None
        ref = ref if type(ref) is str else None  # only a string can be referred to
        has_ref = "ref" in BY_NAME[list_name].fmap
        self.sink.add_bad(list_name, (i, True, None, *([ref] if has_ref else [])))
