"""A second process for the import's Python work: it reads the head of the bundle's first visits
list (over half of a city's rows) while the importer reads the rest of the file.

Where the visits list begins, the importer picks a record boundary further on (`split_point`) and
tells this process (`main`, child side) the byte range [start, end) of the head; it goes on itself
from `end` (`Helper`, parent side). Neither decodes the other's records. The child flattens and
checks its records as the importer would; it formats their rows as COPY text into spool files, a
batch at a time, and says so on stdout (`batch N`); the importer streams each batch into the
staging tables as it comes (its connection is idle between its own COPYs) and deletes it, so the
spool stays a few batches long. At the end the child sends its errors (with the index of their
record), the refs of its records that failed their check, and how many records the head held.

The importer numbers its own visits from TAIL_BASE until then (the index of its first one is only
known once the child has counted the head), and renumbers them after (importer._Reader).

The split point is a guess, checked: it is the first place after the chosen share of the file
where a comma is followed by a record opening the way the list's first record opens. The child
reads whole records from `start` that must end exactly at `end`, each followed by a comma; if one
runs past `end` (the guess fell inside a record) or the list ends before it, the head is not what
it seemed, the child says so (`ok` false) and the importer starts again without a helper
(`SplitFailed`). A string cannot hold the pattern (its quotes would be escaped), so exports and
generated bundles always split.

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

ROOT = Path(__file__).resolve().parents[2]

# The importer's own visits are numbered from here until the child has counted the head (staged
# indexes are integers: a list of more than a billion records is not a bundle).
TAIL_BASE = 1 << 30

# How far past the chosen share of the file to look for a record boundary.
SEARCH_BYTES = 1 << 20


class SplitFailed(Exception):
    """The split point was not a record boundary of the visits list: read again on one process."""


def split_point(path: str, start: int, opening: bytes, share: float) -> int | None:
    """The byte offset of a record boundary of the list beginning at `start`, about `share` of the
    way from there to the end of the file: the first comma (and blanks) followed by `opening`, the
    bytes that open the list's first record. None when there is none near."""
    with open(path, "rb") as f:
        size = f.seek(0, os.SEEK_END)
        guess = start + int((size - start) * share)
        f.seek(guess)
        window = f.read(SEARCH_BYTES)
    found = re.search(rb",[ \t\r\n]*(" + re.escape(opening) + rb")", window)
    return guess + found.start(1) if found else None


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


def main(path: str, outdir: str, max_errors: int) -> None:
    """Read the head (its range and the people's owners come on stdin as one JSON line)."""
    header = json.loads(sys.stdin.readline() or "{}")
    sink = _TextSink(outdir)
    records = _ChildRecords(sink, max_errors=max_errors)
    records.owners["people"] = header.get("owners", {})
    count, ok = 0, True
    if header.get("start") is not None:
        with open(path, "rb") as fp:
            sc = Scanner(_Range(fp, header["start"], header["end"]))
            try:
                while sc.peek() != "":
                    records.record(SPLIT_LIST, count, sc.value())
                    count += 1
                    sc.expect(",")  # every record of the head is followed by another
            except Invalid:
                ok = False  # the end was not a record boundary of the list (or the JSON is bad there)
    sink.flush()
    unowned = {name: n for name, n in records.unowned.items() if name in CHILD_LISTS}
    done = {"errors": records.errors, "bad": sink.bad, "count": count, "ok": ok, "unowned": unowned}
    sys.stdout.write("done " + json.dumps(done) + "\n")
    sys.stdout.flush()


# --- parent side --------------------------------------------------------------------------------


class HelperFailed(RuntimeError):
    pass


class Helper:
    """The importer's side: starts the child, tells it its range, streams its batches into the
    staging tables."""

    def __init__(self, path: str, cursor, *, max_errors: int):
        self.path, self.cursor = path, cursor
        self.dir = tempfile.mkdtemp(prefix="bundle-spool-")
        self.stderr = open(os.path.join(self.dir, "stderr"), "w+b")  # noqa: SIM115 - closed in close()
        # Started before the read, so that it is ready (its imports done) when the visits begin.
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "commissioning.bundle.spool", str(path), self.dir, str(max_errors)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))},
        )
        self.fd = self.proc.stdout.fileno()
        os.set_blocking(self.fd, False)
        self.pending = b""
        self.told = False
        self.result: dict | None = None
        self.sql = {
            name: f"COPY {stg(BY_NAME[name])} ({', '.join(q(c) for c in staged_columns(BY_NAME[name]))}) FROM STDIN"
            for name in CHILD_LISTS
        }

    def tell(self, start: int | None = None, end: int | None = None, owners: dict | None = None) -> None:
        """Give the child its range (none: nothing to read) and the people's owners known so far."""
        if self.told:
            return
        self.told = True
        try:
            self.proc.stdin.write(json.dumps({"start": start, "end": end, "owners": owners or {}}).encode() + b"\n")
            self.proc.stdin.close()
        except BrokenPipeError:
            pass  # it has died: pump() says so

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
        "count": records in the head, "ok": whether it ended where it should, "unowned": {list:
        rows staged without their owner}}."""
        self.tell()
        self.pump(block=True)
        self.proc.wait()
        return self.result

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe and not pipe.closed:
                pipe.close()
        self.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)


if __name__ == "__main__":
    path, outdir, max_errors = sys.argv[1:4]
    main(path, outdir, int(max_errors))
