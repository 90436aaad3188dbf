"""TEMP staging tables, one per list, filled with COPY. Each row keeps its list index (`idx`, and the
parent's index `pidx` for nested lists) so set-based checks can name the JSON path of a bad row."""

from __future__ import annotations

from collections.abc import Callable

from .lists import LISTS, BundleList, Field

# Rows are buffered per list and sent with one COPY per batch. Nested lists (attendances inside
# visits) arrive interleaved with their parents and one connection runs one COPY at a time, so
# both are buffered; this many rows (~10 MB of Python tuples) keeps memory flat while a COPY per
# batch costs one round trip only.
COPY_BATCH_ROWS = 20_000

_SQL_TYPE = {
    "ref": "text",
    "str": "text",
    "enum": "text",
    "date": "date",
    "datetime": "text",  # converted to timestamptz in the bundle's timezone once the file is read
    "decimal": "numeric",
    "int": "integer",
    "bool": "boolean",
    "strlist": "text[]",
}


# The lists whose staged rows carry their would-be id (`id`) when staged for a parallel import.
ID_LISTS = frozenset({"shifts", "visits", "attendances"})


def q(name: str) -> str:
    return f'"{name}"'


def stg(lst: BundleList) -> str:
    return f"stg_{lst.name}"


def field_columns(f: Field) -> list[str]:
    return ["home_lat", "home_lon"] if f.kind == "home" else [f.name]


def staged_columns(lst: BundleList) -> list[str]:
    cols = ["idx", "bad", "prov"] + (["pidx", "pref"] if lst.parent else [])
    for f in lst.fields:
        cols += field_columns(f)
    return cols


def create_tables(cursor, schema: str | None = None) -> None:
    """TEMP tables on the import's own connection, or (with `schema`) UNLOGGED tables in a schema of
    the staging session's, which it commits so that a second connection can read them too
    (parallel.py)."""
    for lst in LISTS:
        cols = ["idx integer NOT NULL", "bad boolean NOT NULL DEFAULT false", "prov text"]
        if lst.parent:
            cols += ["pidx integer NOT NULL", "pref text"]
        for f in lst.fields:
            if f.kind == "home":
                cols += ["home_lat float8", "home_lon float8"]
            else:
                cols.append(f"{q(f.name)} {_SQL_TYPE[f.kind]}")
        if schema is not None:  # the schema is new and dropped whole (parallel.StagingSession)
            if lst.name in ID_LISTS:
                # Each row is given the id it will have if it is new, from its table's own sequence,
                # as COPY writes it (the staging session then keys the totals by it: totals.py).
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [lst.table])
                cols.append(f"id bigint DEFAULT nextval('{cursor.fetchone()[0]}')")
            cursor.execute(f"CREATE UNLOGGED TABLE {schema}.{stg(lst)} ({', '.join(cols)})")
            continue
        # Dropped explicitly too (drop_tables): inside an outer transaction (tests, the API) the
        # import's commit is only a savepoint release and ON COMMIT would not fire.
        cursor.execute(f"DROP TABLE IF EXISTS {stg(lst)}")
        cursor.execute(f"CREATE TEMP TABLE {stg(lst)} ({', '.join(cols)}) ON COMMIT DROP")


def drop_tables(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {', '.join(stg(lst) for lst in LISTS)}")


class Stager:
    """Buffers rows per list and COPYs them in batches."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.buffers: dict[str, list[tuple]] = {lst.name: [] for lst in LISTS}
        self.bad_buffers: dict[str, list[tuple]] = {lst.name: [] for lst in LISTS}
        self.early: tuple[str, str] | None = None  # (bundle's timezone, session's) once early_timezone ran

    def adder(self, list_name: str) -> Callable[[tuple], None]:
        """A function staging one row of the list."""
        buf = self.buffers[list_name]
        append = buf.append

        def add(row: tuple) -> None:
            append(row)
            if len(buf) >= COPY_BATCH_ROWS:
                self.flush(list_name)

        return add

    def add_bad(self, list_name: str, row: tuple) -> None:
        """A record that failed the schema: staged with what identifies it, so references to it
        resolve (one mistake gives one error, not a cascade) but checked no further."""
        self.bad_buffers[list_name].append(row)

    def flush(self, list_name: str) -> None:
        """COPY the list's buffered rows now."""
        buf = self.buffers[list_name]
        if not buf:
            return
        from .lists import BY_NAME

        lst = BY_NAME[list_name]
        cols = ", ".join(q(c) for c in staged_columns(lst))
        with self.cursor.copy(f"COPY {stg(lst)} ({cols}) FROM STDIN") as copy:
            for row in buf:
                copy.write_row(row)
        buf.clear()

    def finish(self) -> None:
        from .lists import BY_NAME

        for name in self.buffers:
            self.flush(name)
        for name, rows in self.bad_buffers.items():
            if not rows:
                continue
            lst = BY_NAME[name]
            cols = [
                "idx",
                "bad",
                "prov",
                *(["pidx", "pref"] if lst.parent else []),
                *(["ref"] if "ref" in lst.fmap else []),
            ]
            with self.cursor.copy(f"COPY {stg(lst)} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    def convert_datetimes(self, tz: str) -> None:
        """Read every datetime as a wall time in the bundle's timezone; an explicit offset wins.
        After `early_timezone(tz)` the COPYs did it already: only the session's zone is put back."""
        if self.early is not None:
            self.cursor.execute("SELECT set_config('TimeZone', %s, true)", [self.early[1]])
            return
        self.cursor.execute("SELECT current_setting('TimeZone')")
        previous = self.cursor.fetchone()[0]
        self.cursor.execute("SELECT set_config('TimeZone', %s, true)", [tz])
        self._alter_datetimes()
        self.cursor.execute("SELECT set_config('TimeZone', %s, true)", [previous])

    def early_timezone(self, tz: str) -> None:
        """The bundle's timezone, known before any list with datetimes (the usual order): the
        staging columns become timestamptz while empty and COPY reads the wall times in `tz`,
        instead of rewriting the filled tables afterwards (about a second for a city)."""
        self.cursor.execute("SELECT current_setting('TimeZone')")
        previous = self.cursor.fetchone()[0]
        self.cursor.execute("SELECT set_config('TimeZone', %s, true)", [tz])
        self._alter_datetimes()
        self.early = (tz, previous)

    def _alter_datetimes(self) -> None:
        for lst in LISTS:
            dts = [f.name for f in lst.fields if f.kind == "datetime"]
            if dts:
                alters = ", ".join(f"ALTER COLUMN {q(n)} TYPE timestamptz USING {q(n)}::timestamptz" for n in dts)
                self.cursor.execute(f"ALTER TABLE {stg(lst)} {alters}")
