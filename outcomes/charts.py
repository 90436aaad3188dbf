"""Charts drawn on the server as SVG geometry (templates/outcomes/_chart_*.html draw it): no
JavaScript, nothing from another origin, readable without colour (shapes, numbers and words, not hues
alone), and each one has a table beside it with the same figures.

- Hours over time: a package's planned weekly hours as a step line, each change marked with its
  number in the table (a circle for the provider's changes, a square for a social worker's, a
  diamond where a rejection reverted the hours), and today as a dashed line.
- The Outcomes Tool: one small panel per domain (My Well-being and Independence, My Home, My
  Community), each the person's 1-5 scores over time with the score written at each point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from outcomes import labels
from outcomes.ledger import Step

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 32, 16, 36


@dataclass
class Chart:
    width: int
    height: int
    left: int
    right: int  # x of the plot's right edge
    top: int
    bottom: int  # y of the plot's bottom edge
    x_ticks: list[dict] = field(default_factory=list)
    y_ticks: list[dict] = field(default_factory=list)
    path: str = ""
    markers: list[dict] = field(default_factory=list)
    today_x: float | None = None
    title: str = ""
    description: str = ""


def _axis(value: float) -> tuple[float, float]:
    """The axis top and its tick step: round numbers, at most 6 steps (at least 5 hours)."""
    value = max(value, 5)
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        if value / step <= 6:
            return step * math.ceil(value / step), step
    return 100 * math.ceil(value / 100), 100


def _month_ticks(start: date, end: date, x) -> list[dict]:
    """A tick at the first of each month (every other month when the span is long)."""
    months = []
    d = date(start.year, start.month, 1)
    if d < start:
        d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    while d <= end:
        months.append(d)
        d = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    every = max(1, math.ceil(len(months) / 7))
    return [{"x": round(x(m), 1), "label": f"{m:%b %Y}"} for m in months[::every]]


def hours_chart(
    *, steps: list[Step], start: date, end: date | None, today: date, numbers: dict[int, int], package_ref: str
) -> Chart:
    """The package's hours from its start (or 26 weeks ago, whichever is later) to four weeks ahead
    (or its end). `numbers` maps change ids to their number in the table beside the chart."""
    first = max(start, today - timedelta(weeks=26))
    last = min(end, today + timedelta(days=28)) if end else today + timedelta(days=28)
    last = max(last, first + timedelta(days=7))
    span = (last - first).days or 1
    top_hours, tick = _axis(float(max((s.hours for s in steps), default=Decimal(0))))
    chart = Chart(WIDTH, HEIGHT, LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM)
    plot_w, plot_h = chart.right - chart.left, chart.bottom - chart.top

    def x(d: date) -> float:
        return chart.left + plot_w * (min(max(d, first), last) - first).days / span

    def y(h) -> float:
        return chart.bottom - plot_h * float(h) / top_hours

    chart.x_ticks = _month_ticks(first, last, x)
    chart.y_ticks = [
        {"y": round(y(v), 1), "label": f"{v:g}"} for v in (tick * i for i in range(int(top_hours // tick) + 1))
    ]
    # The step line: the hours in force on `first`, then each step after it.
    in_force = [s for s in steps if s.day <= first]
    current = in_force[-1].hours if in_force else None
    points: list[tuple[float, float]] = []
    if current is not None:
        points.append((x(first), y(current)))
    for s in steps:
        if s.day <= first:
            continue
        if s.day > last:
            break
        if points:
            points.append((x(s.day), points[-1][1]))
        points.append((x(s.day), y(s.hours)))
        current = s.hours
    if points:
        points.append((x(last), points[-1][1]))
    chart.path = " ".join(f"{'M' if i == 0 else 'L'}{px:.1f},{py:.1f}" for i, (px, py) in enumerate(points))
    for s in steps:
        if s.change is None or s.day < first or s.day > last:
            continue
        shape = "diamond" if s.event == "reverted" else ("square" if s.change.by == "social_worker" else "circle")
        number = numbers.get(s.change.id)
        who = "reverted" if s.event == "reverted" else labels.BY.get(s.change.by, s.change.by).lower()
        mx, my = round(x(s.day), 1), round(y(s.hours), 1)
        chart.markers.append(
            {
                "x": mx,
                "y": my,
                "square_x": round(mx - 6, 1),
                "square_y": round(my - 6, 1),
                "diamond": f"{mx},{my - 8:.1f} {mx + 8:.1f},{my} {mx},{my + 8:.1f} {mx - 8:.1f},{my}",
                "label_y": round(my - 11, 1),
                "shape": shape,
                "number": number,
                "title": f"Change {number}: {s.hours:.2f} hours a week from {s.day.day} {s.day:%B %Y} ({who})",
            }
        )
    if first <= today <= last:
        chart.today_x = round(x(today), 1)
    chart.title = f"Planned weekly hours of package {package_ref}"
    chart.description = (
        f"From {first.day} {first:%B %Y} to {last.day} {last:%B %Y}; "
        + (
            f"{len(chart.markers)} change{'s' if len(chart.markers) != 1 else ''} marked"
            if chart.markers
            else "no changes"
        )
        + ". The table beside the chart lists the same figures."
    )
    return chart


PANEL_W, PANEL_H = 220, 190
P_LEFT, P_RIGHT, P_TOP, P_BOTTOM = 30, 14, 52, 34


def outcomes_panels(assessments: list) -> list[dict]:
    """One panel per domain: [{"label", "title", "ticks", "path", "points", ...}] for the last ten
    assessments, dates spaced by time."""
    shown = assessments[-10:]
    if not shown:
        return []
    first, last = shown[0].date, shown[-1].date
    span = (last - first).days or 1
    plot_w, plot_h = PANEL_W - P_LEFT - P_RIGHT, PANEL_H - P_TOP - P_BOTTOM

    inset = 12  # points clear of the axis labels

    def x(d: date) -> float:
        if len(shown) == 1:
            return P_LEFT + plot_w / 2
        return P_LEFT + inset + (plot_w - 2 * inset) * (d - first).days / span

    def y(v: int) -> float:
        return P_TOP + plot_h * (5 - v) / 4

    panels = []
    for key, label in labels.DOMAINS:
        points = [
            {
                "x": round(x(a.date), 1),
                "y": round(y(getattr(a, key)), 1),
                "label_y": round(y(getattr(a, key)) - 9, 1),
                "value": getattr(a, key),
                "title": f"{a.date.day} {a.date:%B %Y}: {getattr(a, key)} out of 5",
            }
            for a in shown
        ]
        path = " ".join(f"{'M' if i == 0 else 'L'}{p['x']},{p['y']}" for i, p in enumerate(points))
        panels.append(
            {
                "key": key,
                "label": label,
                "label_lines": _two_lines(label),
                "width": PANEL_W,
                "height": PANEL_H,
                "left": P_LEFT,
                "right": PANEL_W - P_RIGHT,
                "top": P_TOP,
                "bottom": PANEL_H - P_BOTTOM,
                "ticks": [{"y": round(y(v), 1), "label": v} for v in range(1, 6)],
                "path": path,
                "points": points,
                "first_label": f"{first:%b %Y}",
                "last_label": f"{last:%b %Y}",
                "description": f"{label}: "
                + ", ".join(f"{p['value']} on {a.date.day} {a.date:%b %Y}" for p, a in zip(points, shown, strict=True)),
            }
        )
    return panels


def _two_lines(label: str, width: int = 20) -> list[str]:
    """A panel's title on one line, or two split at a space, so it fits the panel."""
    if len(label) <= width:
        return [label]
    cut = label.rfind(" ", 0, width + 1)
    return [label[:cut], label[cut + 1 :]] if cut > 0 else [label]
