"""Write a bundle file list by list without holding it in memory.

Records arrive in whatever order the generator produces them (shifts and visits come out of the
same day-by-day loop), so each list is spooled to its own temporary file and the bundle is
assembled at the end in the spec's order, which is also the order a streaming importer needs:
everything a record points at comes before it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from typing import IO, Any

FORMAT = "homecare-bundle/1"
TIMEZONE = "Europe/London"

# The spec's order (docs/spec/bundle-format.md): referenced lists before referencing ones.
LISTS = (
    "commissioners",
    "providers",
    "neighbourhoods",
    "contracts",
    "teams",
    "workers",
    "people",
    "packages",
    "package_changes",
    "reviews",
    "referrals",
    "hospital_stays",
    "shifts",
    "visits",
    "outcome_assessments",
    "absences",
    "training_records",
    "staff_surveys",
    "people_surveys",
    "events",
    "credits",
    "spend",
)

_BUFFER = 1 << 20
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class BundleWriter:
    """`add(list_name, record)` for ordinary records, `add_raw(list_name, json_text)` for the hot
    lists whose JSON the generator formats itself. `close()` assembles the file at `path`."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._dir = tempfile.mkdtemp(prefix="bundle-", dir=os.path.dirname(os.path.abspath(path)) or None)
        self._files: dict[str, IO[str]] = {}
        self.counts: dict[str, int] = dict.fromkeys(LISTS, 0)

    def _file(self, name: str) -> IO[str]:
        f = self._files.get(name)
        if f is None:
            if name not in self.counts:
                raise KeyError(f"not a bundle list: {name}")
            f = open(os.path.join(self._dir, name), "w", encoding="utf-8", buffering=_BUFFER)  # noqa: SIM115
            self._files[name] = f
        return f

    def add(self, name: str, record: dict[str, Any]) -> None:
        self.add_raw(name, _dumps(record))

    def add_raw(self, name: str, text: str) -> None:
        f = self._file(name)
        f.write(",\n" + text if self.counts[name] else "\n" + text)
        self.counts[name] += 1

    def add_many_raw(self, name: str, texts: list[str]) -> None:
        if not texts:
            return
        f = self._file(name)
        f.write(("," if self.counts[name] else "") + "\n" + ",\n".join(texts))
        self.counts[name] += len(texts)

    def close(self) -> None:
        for f in self._files.values():
            f.close()
        try:
            with open(self.path, "w", encoding="utf-8", buffering=_BUFFER) as out:
                out.write(f'{{"format":"{FORMAT}","timezone":"{TIMEZONE}"')
                for name in LISTS:
                    out.write(f',\n"{name}":[')
                    part = os.path.join(self._dir, name)
                    if name in self._files:
                        with open(part, encoding="utf-8", buffering=_BUFFER) as src:
                            shutil.copyfileobj(src, out, _BUFFER)
                    out.write("]")
                out.write("}\n")
        finally:
            shutil.rmtree(self._dir, ignore_errors=True)

    def abort(self) -> None:
        for f in self._files.values():
            f.close()
        shutil.rmtree(self._dir, ignore_errors=True)
