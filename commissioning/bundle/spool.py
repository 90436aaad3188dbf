"""A second process for the import's Python work: it reads the bundle's first visits list (three
quarters of a city's rows) beside the importer and writes COPY text for its share of the records.

The importer (`Helper`, parent side) and this process (`main`, child side) both walk the whole
file with the same reader, so both see the same records with the same indexes; the visits are
shared out in blocks of `block` records (`takes`). Each process flattens and checks only its own
records; the child formats its rows as COPY text into spool files, a batch at a time, and says so
on stdout (`batch N`); the importer streams each batch into the staging tables as it comes (its
connection is idle between its own COPYs) and deletes it, so the spool stays a few batches long.
At the end the child sends its errors (with the index of their record, so the importer merges
them in file order) and the refs of its records that failed their check.

The child imports no Django (it never touches the database): only reader.py, lists.py, schema.py.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from .lists import BY_NAME
from .reader import LIST_START, Invalid, Records, stream
from .staging import q, staged_columns, stg

# The list shared between the two processes.
SPLIT_LIST = "visits"
CHILD_LISTS = ("visits", "attendances")

# COPY text per batch file: big enough that one COPY per batch costs nothing, small enough that
# the spool stays a few of them long.
BATCH_BYTES = 8 << 20

ROOT = Path(__file__).resolve().parents[2]


def takes(i: int, num: int, den: int, block: int) -> bool:
    """Whether the child takes record `i` of the split list: `num` blocks of every `den`."""
    return (i // block) % den < num


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


def main(path: str, outdir: str, num: int, den: int, block: int, max_errors: int) -> None:
    sink = _TextSink(outdir)
    records = _ChildRecords(sink, max_errors=max_errors)
    index = 0
    in_section = False
    invalid = None
    try:
        with open(path, "rb") as fp:
            for key, value in stream(fp):
                if key == "people" and value is not LIST_START and value is not None:
                    records.record("people", 0, value)  # its owner, for the visits' prov
                elif key == SPLIT_LIST and value is not LIST_START:
                    if value is None:
                        if in_section:
                            break  # the end of the first visits list: the rest is the importer's
                        continue
                    i = index
                    index += 1
                    if in_section and takes(i, num, den, block):
                        records.record(SPLIT_LIST, i, value)
                elif key == SPLIT_LIST:  # LIST_START
                    in_section = True
    except Invalid as exc:
        invalid = str(exc)  # the importer meets the same error and reports it
    sink.flush()
    unowned = {name: n for name, n in records.unowned.items() if name in CHILD_LISTS}
    done = {"errors": records.errors, "bad": sink.bad, "invalid": invalid, "unowned": unowned}
    sys.stdout.write("done " + json.dumps(done) + "\n")
    sys.stdout.flush()


# --- parent side --------------------------------------------------------------------------------


class HelperFailed(RuntimeError):
    pass


class Helper:
    """The importer's side: starts the child, streams its batches into the staging tables."""

    def __init__(self, path: str, cursor, *, num: int, den: int, block: int, max_errors: int):
        self.cursor = cursor
        self.num, self.den, self.block = num, den, block
        self.dir = tempfile.mkdtemp(prefix="bundle-spool-")
        self.stderr = open(os.path.join(self.dir, "stderr"), "w+b")  # noqa: SIM115 - closed in close()
        args = [str(path), self.dir, str(num), str(den), str(block), str(max_errors)]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "commissioning.bundle.spool", *args],
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

    def takes(self, i: int) -> bool:
        return (i // self.block) % self.den < self.num

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
        "invalid": str|None, "unowned": {list: rows staged without their owner}}."""
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
    path, outdir, num, den, block, max_errors = sys.argv[1:7]
    main(path, outdir, int(num), int(den), int(block), int(max_errors))
