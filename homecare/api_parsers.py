"""The API's one JSON parser: a body is read only up to a size limit and refused when nested too deep.

DRF's own JSONParser reads the whole body whatever its size and lets Python's decoder recurse: 50,000
nested `[` was a RecursionError (a 500). Here the body is read in chunks up to the view's limit (a
setting: `DATA_UPLOAD_MAX_MEMORY_SIZE` unless the view names a bigger one in `body_limit_setting`), and
anything longer is a 413 naming the setting, before the rest is read. The decoded value may nest at most
`HOMECARE_API_JSON_MAX_DEPTH` deep; NaN, Infinity and numbers too big for a float are refused too
(they cannot be written back as JSON).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from django.conf import settings
from rest_framework import parsers, renderers, status
from rest_framework.exceptions import APIException, ParseError, ValidationError

CHUNK_BYTES = 64 * 1024


class PayloadTooLarge(APIException):
    """413: the body is over a size limit; the message names the setting that sets it."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self, setting: str, limit: int):
        super().__init__(too_large_message(setting, limit))


def too_large_message(setting: str, limit: int) -> str:
    return f"The request body is larger than {limit:,} bytes ({setting}); send less at a time."


def body_limit(view: Any) -> tuple[str, int]:
    """(setting name, bytes) of the body limit that applies to `view`."""
    name = getattr(view, "body_limit_setting", None) or "DATA_UPLOAD_MAX_MEMORY_SIZE"
    return name, int(getattr(settings, name))


def read_limited(stream: Any, request: Any, view: Any) -> bytes:
    """The body, read in chunks; PayloadTooLarge as soon as it is longer than the view's limit."""
    name, limit = body_limit(view)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        declared = 0
    if declared > limit:
        raise PayloadTooLarge(name, limit)
    chunks, size = [], 0
    while True:
        chunk = stream.read(CHUNK_BYTES)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(name, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number {text[:20]}... is too large")
    return value


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not allowed")


def check_depth(value: Any, limit: int) -> None:
    """ParseError when arrays and objects nest deeper than `limit` (counted without recursion), or
    when a string holds half of a UTF-16 pair (JSON allows "\\ud800" alone; it is not text, and
    nothing can store it)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise ParseError(f"JSON nested deeper than {limit} levels")
        if isinstance(item, dict):
            _check_text(item.keys())
            children = item.values()
        else:
            children = item
        _check_text(c for c in children if isinstance(c, str))
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))


def _check_text(strings) -> None:
    for text in strings:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ParseError("a string holds a lone UTF-16 surrogate (not text)") from None


def loads(data: bytes | str) -> Any:
    """Decode JSON text with the API's rules (depth, finite numbers); ParseError otherwise."""
    limit = settings.HOMECARE_API_JSON_MAX_DEPTH
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        value = json.loads(text, parse_float=_finite, parse_constant=_no_constants)
    except RecursionError:
        raise ParseError(f"JSON nested deeper than {limit} levels") from None
    except UnicodeDecodeError:
        raise ParseError("the body is not UTF-8 text") from None
    except ValueError as exc:
        raise ParseError(f"not valid JSON: {exc}") from None
    if isinstance(value, dict | list):
        check_depth(value, limit)
    elif isinstance(value, str):
        _check_text([value])
    return value


class JSONParser(parsers.BaseParser):
    media_type = "application/json"
    renderer_class = renderers.JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        context = parser_context or {}
        return loads(read_limited(stream, context.get("request"), context.get("view")))


class TooManyItems(ValidationError):
    """413: a list in the body has more items than a setting allows; the message names the setting."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_many_items"

    def __init__(self, key: str, setting: str, limit: int):
        super().__init__({key: [f"At most {limit:,} records per request ({setting}); split the batch."]})


_WHITESPACE = re.compile(r"[ \t\n\r]*")


def loads_object_with_list(text: str, *, key: str, setting: str) -> dict:
    """A JSON object whose member `key`, when it is an array, is decoded one element at a time and
    refused (TooManyItems) as soon as it holds more than settings.<setting> elements: the rest of the
    body is not decoded. Everything else as `loads` (depth, finite numbers)."""
    limit = int(getattr(settings, setting))
    depth = settings.HOMECARE_API_JSON_MAX_DEPTH
    decoder = json.JSONDecoder(parse_float=_finite, parse_constant=_no_constants)

    def skip(pos: int) -> int:
        return _WHITESPACE.match(text, pos).end()

    def expect(pos: int, chars: str) -> str:
        if pos >= len(text) or text[pos] not in chars:
            found = repr(text[pos]) if pos < len(text) else "the end"
            raise ParseError(
                f"not valid JSON: expected {' or '.join(repr(c) for c in chars)} at character {pos}, found {found}"
            )
        return text[pos]

    def value(pos: int) -> tuple[Any, int]:
        try:
            item, end = decoder.raw_decode(text, pos)
        except RecursionError:
            raise ParseError(f"JSON nested deeper than {depth} levels") from None
        except ValueError as exc:
            raise ParseError(f"not valid JSON: {exc}") from None
        if isinstance(item, dict | list):
            check_depth(item, depth - 2)  # inside the object and its list
        elif isinstance(item, str):
            _check_text([item])
        return item, end

    def array(pos: int) -> tuple[list, int]:
        items: list = []
        pos = skip(pos + 1)
        if text.startswith("]", pos):
            return items, pos + 1
        while True:
            item, pos = value(pos)
            items.append(item)
            if len(items) > limit:
                raise TooManyItems(key, setting, limit)
            pos = skip(pos)
            if expect(pos, ",]") == "]":
                return items, pos + 1
            pos = skip(pos + 1)

    result: dict = {}
    pos = skip(0)
    expect(pos, "{")
    pos = skip(pos + 1)
    if not text.startswith("}", pos):
        while True:
            expect(pos, '"')
            try:
                name, pos = json.decoder.scanstring(text, pos + 1)
            except ValueError as exc:
                raise ParseError(f"not valid JSON: {exc}") from None
            _check_text([name])
            pos = skip(pos)
            expect(pos, ":")
            pos = skip(pos + 1)
            if name == key and text.startswith("[", pos):
                result[name], pos = array(pos)
            else:
                result[name], pos = value(pos)
            pos = skip(pos)
            if expect(pos, ",}") == "}":
                break
            pos = skip(pos + 1)
    pos = skip(pos + 1)
    if pos != len(text):
        raise ParseError(f"not valid JSON: extra data at character {pos}")
    return result


class ObjectWithListParser(JSONParser):
    """For a view that takes {"<list_key>": [...many records...], ...}: the body within the view's
    byte limit (`body_limit_setting`), the list within its record limit (`list_limit_setting`)."""

    def parse(self, stream, media_type=None, parser_context=None):
        context = parser_context or {}
        view = context.get("view")
        data = read_limited(stream, context.get("request"), view)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ParseError("the body is not UTF-8 text") from None
        return loads_object_with_list(text, key=view.list_key, setting=view.list_limit_setting)
