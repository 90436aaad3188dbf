"""The bundle reader walks the document a chunk at a time: whatever the chunk size, the same
records come out, and broken JSON is an error, not a crash or a silent truncation."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest

from interchange.reader import LIST_START, Invalid, Scanner, stream

DOC = {
    "format": "homecare-bundle/1",
    "timezone": "Europe/London",
    "visits": [
        {"ref": 'V\\u00e9 "é" \\\\', "n": 12345678, "d": 1.25, "t": True, "x": None, "l": [1, [2, {}]]},
        {"ref": "V2"},
    ],
    "empty": [],
    "extra": {"a": [1]},
    "count": 123456789,
}
EXPECTED = [
    ("format", "homecare-bundle/1"),
    ("timezone", "Europe/London"),
    ("visits", LIST_START),
    (
        "visits",
        {"ref": 'V\\u00e9 "é" \\\\', "n": 12345678, "d": Decimal("1.25"), "t": True, "x": None, "l": [1, [2, {}]]},
    ),
    ("visits", {"ref": "V2"}),
    ("visits", None),
    ("empty", LIST_START),
    ("empty", None),
    ("extra", Ellipsis),
    ("count", 123456789),
]


def _read(data: bytes, chunk: int) -> list:
    original = Scanner.__init__.__defaults__
    Scanner.__init__.__defaults__ = (chunk,)
    try:
        return list(stream(io.BytesIO(data)))
    finally:
        Scanner.__init__.__defaults__ = original


@pytest.mark.parametrize("indent", [None, 2])
def test_every_chunk_size_gives_the_same_records(indent):
    data = json.dumps(DOC, indent=indent, ensure_ascii=False).encode()
    for chunk in [*range(1, 41), 1 << 20]:
        assert _read(data, chunk) == EXPECTED, chunk


@pytest.mark.parametrize(
    "data",
    [
        b'{"format": "homecare-bundle/1", "visits": [{"ref": ',
        b"[1, 2]",
        b"",
        b'{"a": 1,}',
        b'{"a": [1,]}',
        b'{"a": [1 2]}',
        b'{"a": NaN}',
        b'{"a": 1} x',
        b'{"a": "\xff"}',
    ],
)
def test_broken_json_is_invalid(data):
    for chunk in (3, 1 << 20):
        with pytest.raises(Invalid):
            _read(data, chunk)


@pytest.mark.django_db
def test_a_timezone_given_twice_differently_is_an_error():
    # Wall times are read in the first one while the records stream by: a second one cannot apply.
    from interchange.importer import BundleInvalid, import_bundle
    from rota.models import Visit
    from tests.interchange.test_bundle_import import _tiny

    text = json.dumps(_tiny()).replace('"timezone": "Europe/London"', '"timezone": "Europe/London", "timezone": "UTC"')
    with pytest.raises(BundleInvalid) as caught:
        import_bundle(io.BytesIO(text.encode()))
    assert caught.value.errors == [{"path": "timezone", "message": "given twice, differently"}]
    assert not Visit.objects.exists()
