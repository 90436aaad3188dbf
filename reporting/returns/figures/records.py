"""The records behind a figure ("kpi:3", "measure:9"), one set-based statement each, so a manager
can check a figure before signing the return off."""

from __future__ import annotations

from .common import SQL_DIR, ReturnContext, run_rows


def available() -> set[str]:
    """Figures that have a records view, as "kpi:N" / "measure:N"."""
    return {p.stem.replace("_", ":") for p in (SQL_DIR / "records").glob("*.sql")}


def parse_figure(figure: str) -> str:
    """'kpi:3' -> 'records/kpi_3'; KeyError for a figure with no records view."""
    kind, _, number = figure.partition(":")
    name = f"{kind}_{number}"
    if kind not in ("kpi", "measure") or not number.isdigit() or f"{kind}:{number}" not in available():
        raise KeyError(figure)
    return f"records/{name}"


def fetch(cursor, ctx: ReturnContext, figure: str) -> list[dict]:
    return run_rows(cursor, parse_figure(figure), ctx.params())
