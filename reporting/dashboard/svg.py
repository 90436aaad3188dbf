"""Charts drawn on the server as SVG markup: no script, no style attributes (presentation attributes
only, which a strict Content-Security-Policy allows), readable without colour: each series has its
own dash pattern and marker shape and is labelled at its end; a target is a thick dashed line with
its own label. Every chart is shown with a table of the same numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

# Dark enough to read on white (WCAG non-text contrast 3:1); colour only repeats the pattern.
COLOURS = ("#005eb8", "#330072", "#007f3b", "#ae2573", "#8a1538", "#425563", "#006747", "#7c2855")
DASHES = ("", "8 4", "2 3", "10 3 2 3", "4 4", "12 6", "1 5", "6 2 2 2")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "circle-open", "square-open", "triangle-open")
TARGET_COLOUR = "#212b32"
FONT = "Frutiger W01, Arial, sans-serif"


def _n(value) -> float | None:
    if value is None or value == "":
        return None
    return float(Decimal(str(value)))


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def sparkline(values: Sequence, target=None, *, width: int = 96, height: int = 28, label: str = "") -> str:
    """A small trend line (oldest first; None is a gap) with the target as a dashed line."""
    nums = [_n(v) for v in values]
    t = _n(target)
    known = [v for v in nums if v is not None] + ([t] if t is not None else [])
    if not any(v is not None for v in nums):
        return ""
    lo, hi = min(known), max(known)
    if hi - lo < 1:
        lo, hi = lo - 0.5, hi + 0.5
    pad = 3

    def y(v: float) -> float:
        return pad + (hi - v) / (hi - lo) * (height - 2 * pad)

    step = (width - 2 * pad) / max(len(nums) - 1, 1)
    parts = []
    if t is not None:
        parts.append(
            f'<line x1="{pad}" x2="{width - pad}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="{TARGET_COLOUR}" '
            f'stroke-width="1" stroke-dasharray="3 2"/>'
        )
    for segment in _segments(nums):
        points = " ".join(f"{pad + i * step:.1f},{y(v):.1f}" for i, v in segment)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{COLOURS[0]}" stroke-width="1.5"/>')
        if len(segment) == 1:  # a week between two without data: a dot, not an invisible line
            i, v = segment[0]
            parts.append(f'<circle cx="{pad + i * step:.1f}" cy="{y(v):.1f}" r="1.5" fill="{COLOURS[0]}"/>')
    last = max(i for i, v in enumerate(nums) if v is not None)
    parts.append(f'<circle cx="{pad + last * step:.1f}" cy="{y(nums[last]):.1f}" r="2.2" fill="{COLOURS[0]}"/>')
    words = ", ".join("no data" if v is None else _fmt(v) for v in nums)
    name = escape(f"{label}: {words}" + (f"; target {_fmt(t)}" if t is not None else ""), quote=True)
    return (
        f'<svg class="homecare-sparkline" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{name}" focusable="false">{"".join(parts)}</svg>'
    )


def _segments(nums: list[float | None]) -> list[list[tuple[int, float]]]:
    out: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for i, v in enumerate(nums):
        if v is None:
            if current:
                out.append(current)
            current = []
        else:
            current.append((i, v))
    if current:
        out.append(current)
    return out


@dataclass
class Series:
    label: str
    values: list  # one per x label; None is a gap


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    open_ = kind.endswith("-open")
    fill = "#ffffff" if open_ else colour
    kind = kind.removesuffix("-open")
    common = f'fill="{fill}" stroke="{colour}" stroke-width="1.5"'
    if kind == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" {common}/>'
    if kind == "triangle":
        return f'<polygon points="{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y + 3.5:.1f} {x - 4.5:.1f},{y + 3.5:.1f}" {common}/>'
    if kind == "diamond":
        return f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}" {common}/>'
    if kind == "cross":
        return (
            f'<path d="M{x - 4:.1f},{y - 4:.1f}L{x + 4:.1f},{y + 4:.1f}M{x - 4:.1f},{y + 4:.1f}L{x + 4:.1f},{y - 4:.1f}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" {common}/>'


def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    span = hi - lo or 1
    raw = span / count
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 0.1
    for m in (1, 2, 2.5, 5, 10):
        step = m * magnitude
        if span / step <= count:
            break
    start = (lo // step) * step
    ticks, v = [], start
    while v <= hi + step * 0.001:
        if v >= lo - step * 0.001:
            ticks.append(round(v, 6))
        v += step
    return ticks


def line_chart(
    *,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    targets: Sequence | None = None,
    target_label: str = "Target",
    y_label: str = "",
    y_min: float | None = None,
    y_max: float | None = None,
    chart_id: str = "chart",
    width: int = 760,
    height: int = 340,
) -> str:
    """A line chart of several series over the same x labels, with an optional target line (one value
    per x label, so a target that changed over time steps)."""
    left, right, top, bottom = 56, 150, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [_n(v) for s in series for v in s.values]
    tvals = [_n(v) for v in (targets or [])]
    known = [v for v in values + tvals if v is not None]
    lo = min(known) if known else 0.0
    hi = max(known) if known else 1.0
    lo = y_min if y_min is not None else (0.0 if lo >= 0 and lo < hi * 0.5 else lo - (hi - lo) * 0.1)
    hi = y_max if y_max is not None else hi + (hi - lo) * 0.1
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    ticks = _ticks(lo, hi)
    lo, hi = min(lo, ticks[0]), max(hi, ticks[-1])
    n = len(x_labels)
    step = plot_w / max(n - 1, 1)

    def x(i: int) -> float:
        return left + i * step

    def y(v: float) -> float:
        return top + (hi - v) / (hi - lo) * plot_h

    out = []
    for t in ticks:
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#d8dde0" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end" font-size="12" font-family="{FONT}" '
            f'fill="#212b32">{escape(_fmt(t))}</text>'
        )
    out.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="#425563" stroke-width="1"/>')
    out.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#425563" stroke-width="1"/>'
    )
    every = max(1, -(-n // 8))
    for i, lab in enumerate(x_labels):
        if i % every == 0 or i == n - 1:
            out.append(
                f'<text x="{x(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle" font-size="11" '
                f'font-family="{FONT}" fill="#212b32">{escape(lab)}</text>'
            )
    if y_label:
        out.append(
            f'<text x="14" y="{top + plot_h / 2:.1f}" transform="rotate(-90 14 {top + plot_h / 2:.1f})" '
            f'text-anchor="middle" font-size="12" font-family="{FONT}" fill="#212b32">{escape(y_label)}</text>'
        )
    labels: list[tuple[float, str, str]] = []
    if tvals and any(v is not None for v in tvals):
        for seg in _segments(tvals):
            pts = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in seg)
            if len(seg) == 1:
                i, v = seg[0]
                pts = f"{x(i) - 4:.1f},{y(v):.1f} {x(i) + 4:.1f},{y(v):.1f}"
            out.append(
                f'<polyline points="{pts}" fill="none" stroke="{TARGET_COLOUR}" stroke-width="2.5" stroke-dasharray="9 5"/>'
            )
        last = max(i for i, v in enumerate(tvals) if v is not None)
        labels.append((y(tvals[last]), f"{target_label} {_fmt(tvals[last])}", TARGET_COLOUR))
    for k, s in enumerate(series):
        colour, dash, marker = COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)], MARKERS[k % len(MARKERS)]
        nums = [_n(v) for v in s.values]
        for seg in _segments(nums):
            pts = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in seg)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>')
            for i, v in seg:
                out.append(_marker(marker, x(i), y(v), colour))
        known_i = [i for i, v in enumerate(nums) if v is not None]
        if known_i:
            labels.append((y(nums[known_i[-1]]), s.label, colour))
    # End labels, nudged apart so they never overlap.
    labels.sort()
    placed: list[float] = []
    for ly, text, colour in labels:
        ly = max(ly, (placed[-1] + 14) if placed else top + 4)
        placed.append(ly)
        out.append(
            f'<text x="{left + plot_w + 8}" y="{ly + 4:.1f}" font-size="12" font-family="{FONT}" '
            f'fill="{colour}">{escape(text)}</text>'
        )
    title_id = f"{chart_id}-title"
    return (
        f'<svg class="homecare-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{title_id}" focusable="false">'
        f'<title id="{title_id}">{escape(title)} (the table below gives every value)</title>{"".join(out)}</svg>'
    )
