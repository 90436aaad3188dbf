"""A second process for the import's Python work: it reads the head of the bundle's first visits
list (over half of a city's rows) while the importer reads the rest of the file.

Both work out the same range from the file alone (`head_range`): the child at once, by finding the
top-level `"visits": [` itself, the importer where its reader reaches that list. The head ends at a
record boundary about `share` of the way from the list's start to the end of the file. The child
(`main`) reads the people before it for their owners, then the head; the importer (`Helper`, parent
side) seeks past the head and reads on. Neither decodes the other's records. The child flattens and
checks its records as the importer would; it formats their rows as COPY text into spool files, a
batch at a time, and says so on stdout (`batch N`); the importer streams each batch into the
staging tables as it comes (its connection is idle between its own COPYs) and deletes it, so the
spool stays a few batches long. At the end the child sends its errors (with the index of their
record), the refs of its records that failed their check, the range it read and how many records
the head held.

The importer numbers its own visits from TAIL_BASE (the index of its first one is only known once
the child has counted the head) and renumbers their errors' paths at the end (importer._Reader).

Every guess is checked, and any doubt means the file is read again by one process (`SplitFailed`,
everything rolled back): the child's range must be the one the importer works out where its reader
really meets the list (a `"visits": [` found by searching might not be the top-level one), and the
head must be whole records, each followed by a comma, ending exactly at its end (the boundary is the
first comma followed by a record opening the way the list's first record opens; a JSON string
cannot hold that, its quotes being escaped, so exports and generated bundles always split).

The child imports no Django (it never touches the database): only reader.py, lists.py, schema.py.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from .lists import BY_NAME
from .reader import Invalid, Records, Scanner
from .staging import q, staged_columns, stg

# The list shared between the two processes.
SPLIT_LIST = "visits"
CHILD_LISTS = ("visits", "attendances")

# COPY text per batch file: big enough that one COPY per batch costs nothing, small enough that
# the spool stays a few of them long.
BATCH_BYTES = 8 << 20

ROOT = Path(__file__).resolve().parents[1]

# The importer's own visits are numbered from here until the child has counted the head (staged
# indexes are integers: a list of more than a billion records is not a bundle).
TAIL_BASE = 1 << 30

# How far past the chosen share of the file to look for a record boundary.
SEARCH_BYTES = 1 << 20
# The child finds the lists a chunk at a time, each searched with the end of the one before.
READ_CHUNK = 1 << 20
SEARCH_OVERLAP = 4096


class SplitFailed(Exception):
    """The helper's head was not what the importer met: read again on one process."""


def _list_start(name: bytes) -> re.Pattern:
    return re.compile(rb'"' + name + rb'"[ \t\r\n]*:[ \t\r\n]*\[[ \t\r\n]*')


_VISITS = _list_start(SPLIT_LIST.encode())
_PEOPLE = _list_start(b"people")
# How a record opens ({, blanks, its first key): where the head may end.
_OPENING = re.compile(rb'\{[ \t\r\n]*"[^"\\]*"')


def head_range(path: str, start: int, share: float) -> tuple[int, int] | None:
    """The helper's head of the list whose first record is at byte `start` of the file: [start, end),
    where `end` is the first comma (and blanks) followed by a record opening the way the first one
    opens, about `share` of the way from `start` to the end of the file. None when the list is empty
    or there is no such boundary near."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        f.seek(start)
        opening = _OPENING.match(f.read(4096))
        if opening is None:
            return None
        guess = start + int((size - start) * share)
        f.seek(guess)
        window = f.read(SEARCH_BYTES)
    found = re.compile(rb",[ \t\r\n]*(" + re.escape(opening.group()) + rb")").search(window)
    return (start, guess + found.start(1)) if found else None


def _search(f, pattern: re.Pattern, start: int = 0, stop: int | None = None) -> tuple[int, int] | None:
    """The byte range of `pattern`'s first match in the file from `start` (before `stop`), read a
    chunk at a time (memory stays flat however big the file)."""
    f.seek(start)
    at, keep = start, b""
    while stop is None or at < stop:
        chunk = f.read(READ_CHUNK)
        if not chunk:
            return None
        data = keep + chunk
        found = pattern.search(data)
        base = at - len(keep)
        if found and found.end() < len(data):  # a match at the very end may go on (blanks)
            if stop is not None and base + found.start() >= stop:
                return None
            return base + found.start(), base + found.end()
        keep = data[-SEARCH_OVERLAP:]
        at += len(chunk)
    return None


# --- child side ---------------------------------------------------------------------------------


class _TextSink:
    """Rows of the child's lists as COPY text (psycopg's own formatter, in C), in batch files."""

    def __init__(self, outdir: str):
        from psycopg._copy_base import format_row_text
        from psycopg.adapt import Transformer

        self.outdir = outdir
        self.format = format_row_text
        self.tx = Transformer()
        self.buffers = {name: bytearray() for name in CHILD_LISTS}
        self.batch = 0
        self.bad: list[tuple] = []

    def adder(self, list_name: str):
        if list_name not in self.buffers:
            return _discard  # people: read only for their owners; the importer stages them
        buf, fmt, tx = self.buffers[list_name], self.format, self.tx

        def add(row: tuple) -> None:
            fmt(row, tx, buf)
            if len(buf) >= BATCH_BYTES:
                self.flush()

        return add

    def add_bad(self, list_name: str, row: tuple) -> None:
        if list_name == SPLIT_LIST:
            self.bad.append(row)

    def flush(self) -> None:
        if not any(self.buffers.values()):
            return
        for name, buf in self.buffers.items():
            with open(os.path.join(self.outdir, f"{name}.{self.batch}"), "wb") as f:
                f.write(buf)
            buf.clear()
        sys.stdout.write(f"batch {self.batch}\n")
        sys.stdout.flush()
        self.batch += 1


def _discard(row: tuple) -> None:
    pass


class _ChildRecords(Records):
    """Errors only for the split list (the importer reports everything else), with their index."""

    def error(self, path: str, message: str, i: int | None = None) -> None:
        if len(self.errors) < self.max_errors and path.startswith(f"{SPLIT_LIST}["):
            self.errors.append((i, path, message))


class _Range:
    """The bytes [start, end) of a file, as a file."""

    def __init__(self, fp, start: int, end: int):
        fp.seek(start)
        self.fp, self.left = fp, end - start

    def read(self, n: int) -> bytes:
        data = self.fp.read(min(n, self.left))
        self.left -= len(data)
        return data


def main(path: str, outdir: str, share: float, max_errors: int) -> None:
    sink = _TextSink(outdir)
    records = _ChildRecords(sink, max_errors=max_errors)
    count, ok, head = 0, True, None
    with open(path, "rb") as fp:
        visits = _search(fp, _VISITS)
        if visits:
            head = head_range(path, visits[1], share)
        if head:
            people = _search(fp, _PEOPLE, 0, visits[0])
            if people:  # their owners, for the visits' (the importer stages the people themselves)
                _read_owners(Scanner(_Range(fp, people[1], visits[0])), records)
            sc = Scanner(_Range(fp, *head))
            try:
                while sc.peek() != "":
                    records.record(SPLIT_LIST, count, sc.value())
                    count += 1
                    sc.expect(",")  # every record of the head is followed by another
            except Invalid:
                ok = False  # the end was not a record boundary of the list (or the JSON is bad there)
    sink.flush()
    unowned = {name: n for name, n in records.unowned.items() if name in CHILD_LISTS}
    done = {
        "errors": records.errors, "bad": sink.bad, "range": head, "count": count, "ok": ok, "unowned": unowned,
    }  # fmt: skip
    sys.stdout.write("done " + json.dumps(done) + "\n")
    sys.stdout.flush()


def _read_owners(sc: Scanner, records: Records) -> None:
    """The people list's records, for their owners only; where it is not plain JSON the visits are
    staged without theirs (checks.derive_owners finds them), and the importer reports the errors."""
    try:
        while sc.peek() not in ("]", ""):
            records.record("people", 0, sc.value())
            if sc.peek() == ",":
                sc.pos += 1
    except Invalid:
        pass


# --- parent side --------------------------------------------------------------------------------


class HelperFailed(RuntimeError):
    pass


class Helper:
    """The importer's side: starts the child, streams its batches into the staging tables."""

    def __init__(self, path: str, cursor, *, share: float, max_errors: int):
        self.path, self.cursor, self.share = path, cursor, share
        self.dir = tempfile.mkdtemp(prefix="bundle-spool-")
        self.stderr = open(os.path.join(self.dir, "stderr"), "w+b")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "interchange.spool", str(path), self.dir, str(share), str(max_errors)],
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))},
        )
        self.fd = self.proc.stdout.fileno()
        os.set_blocking(self.fd, False)
        self.pending = b""
        self.result: dict | None = None
        self.sql = {
            name: f"COPY {stg(BY_NAME[name])} ({', '.join(q(c) for c in staged_columns(BY_NAME[name]))}) FROM STDIN"
            for name in CHILD_LISTS
        }

    def head(self, start: int) -> tuple[int, int] | None:
        """Where the importer's reader meets the visits list (its first record at byte `start`): the
        head the child reads, if it is the list the child found (checked at the end)."""
        return head_range(self.path, start, self.share)

    def pump(self, *, block: bool = False) -> None:
        """Copy the batches the child has finished; with `block`, until it is done."""
        while self.result is None:
            if block:
                select.select([self.fd], [], [])
            try:
                data = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                return
            if not data:  # the child ended without its last line
                self.proc.wait()
                self.stderr.seek(0)
                detail = self.stderr.read().decode(errors="replace").strip().splitlines()[-1:]
                raise HelperFailed(f"the import's helper process failed: {' '.join(detail) or self.proc.returncode}")
            self.pending += data
            *lines, self.pending = self.pending.split(b"\n")
            for line in lines:
                if line.startswith(b"batch "):
                    self._copy(int(line.split()[1]))
                elif line.startswith(b"done "):
                    self.result = json.loads(line[5:])
            if not block:
                return

    def _copy(self, batch: int) -> None:
        for name in CHILD_LISTS:
            path = os.path.join(self.dir, f"{name}.{batch}")
            with open(path, "rb") as f, self.cursor.copy(self.sql[name]) as copy:
                while chunk := f.read(1 << 20):
                    copy.write(chunk)
            os.unlink(path)

    def finish(self) -> dict[str, Any]:
        """Wait for the child and copy the rest: {"errors": [(i, path, message)], "bad": [row],
        "range": [start, end] of the head or None, "count": records in it, "ok": whether they ended
        where they should, "unowned": {list: rows staged without their owner}}."""
        self.pump(block=True)
        self.proc.wait()
        return self.result

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)


if __name__ == "__main__":
    path, outdir, share, max_errors = sys.argv[1:5]
    main(path, outdir, float(share), int(max_errors))
