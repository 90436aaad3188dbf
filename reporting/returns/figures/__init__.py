"""The monitoring return's figures, one module (and one SQL statement) per group of figures.

Each group module exposes `fetch(cursor, params) -> dict` (raw numbers straight from one set-based
SQL statement) and `shape(raw, ctx) -> dict` (the JSON shapes of "The return as data"). The number
of queries for a whole return is fixed: one contract look-up plus one statement per group."""
