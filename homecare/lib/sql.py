"""The one way code reads SQL: every multi-line statement lives in a `.sql` file beside the module that
runs it (in that module's `sql/` folder), read once and cached.

    from homecare.lib.sql import sql_loader
    sql = sql_loader(__file__)          # reads <this module's folder>/sql/<name>.sql
    cursor.execute(sql("invoice_lines"), params)

A line `-- include: other` pulls in `other.sql` (named from the loader's folder: shared CTEs). Parameters are
always passed to the driver (`%(name)s`), never formatted into the text; the only text substituted is
trusted identifiers (table names the code chooses) that a file marks `{{name}}` and `sql(name, **ids)` fills in.

A file may hold a script of several statements, each ending with a line that ends in `;`
(`statements` splits it; no function bodies in such a script).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path


@cache
def _read(base: Path, name: str) -> str:
    lines = []
    for line in (base / f"{name}.sql").read_text().splitlines():
        if line.startswith("-- include: "):
            lines.append(_read(base, line.removeprefix("-- include: ").strip()))
        else:
            lines.append(line)
    return "\n".join(lines)


def sql_loader(module_file: str, folder: str = "sql") -> Callable[..., str]:
    """A reader of the statements in `folder` beside `module_file`."""
    base = Path(module_file).resolve().parent / folder

    def sql(name: str, **identifiers: str) -> str:
        text = _read(base, name)
        for key, value in identifiers.items():
            text = text.replace("{{" + key + "}}", value)
        return text

    return sql


def statements(script: str) -> list[str]:
    """The statements of a script, split after each line that ends with `;` (comment-only parts dropped)."""
    out, lines = [], []
    for line in script.splitlines():
        lines.append(line)
        if line.rstrip().endswith(";") and not line.lstrip().startswith("--"):
            out.append("\n".join(lines).rstrip().removesuffix(";"))
            lines = []
    out.append("\n".join(lines))
    return [s for s in out if any(x.strip() and not x.lstrip().startswith("--") for x in s.splitlines())]
