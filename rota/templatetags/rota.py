"""Small formatting filters for the rota pages."""

from __future__ import annotations

from functools import cache

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from homecare.lib.dates import LONDON
from rota.careplans import describe_days, describe_skills

register = template.Library()


@register.filter
def skills_words(skills) -> str:
    return describe_skills(skills or ())


@register.filter
def days_label(days) -> str:
    return describe_days(days or [])


@register.filter
def minutes_label(minutes) -> str:
    """95 -> '1 h 35 min'; 30 -> '30 min'."""
    if minutes is None:
        return "–"
    minutes = int(round(minutes))
    h, m = divmod(minutes, 60)
    if not h:
        return f"{m} min"
    return f"{h} h {m} min" if m else f"{h} h"


# ---- the board's rows, written in Python: a team of 60 has 500 visits on a day, and the template
# language costs a few hundred microseconds per element where this costs a few (docs/rota.md, Performance).
def _visit(item, row, can_edit: bool, team_q: str) -> str:
    bv = item.visit
    sr = [f" to {bv.end_hm}"]
    if bv.visit.carers_required == 2:
        sr.append(", two carers")
    if item.problems:
        n = len(item.problems)
        sr.append(f", {n} warning{'s' if n > 1 else ''}")
    if bv.changed:
        sr.append(", changed since published")
    sr.append(": details and care workers")
    drag = ' draggable="true"' if can_edit else ""
    return (
        f'<div class="{item.css}" data-visit="{escape(bv.ref)}" data-label="{bv.start_hm} {escape(bv.person)}" '
        f'data-assignment="{item.assignment_id}" data-from="{escape(row.worker.ref)}" '
        f'data-from-name="{escape(row.name)}"{drag}><a href="{bv.assign_path}?team={team_q}" '
        f'title="{escape(item.title)}">{bv.start_hm}<span class="rota-visit__who"> {escape(bv.person)}</span>'
        f'<span class="nhsuk-u-visually-hidden">{escape("".join(sr))}</span></a></div>'
    )


def _travel(item) -> str:
    late = " rota-travel--late" if item.late else ""
    said = " travel: does not fit before the next visit's latest start" if item.late else " travel"
    return (
        f'<div class="rota-travel{late} rg-c{item.place.col} rg-s{item.place.span}" data-travel="{item.minutes}">'
        f'{item.minutes} min<span class="nhsuk-u-visually-hidden">{said}</span></div>'
    )


@register.simple_tag
def rota_track(row, can_edit: bool, team_q: str) -> str:
    """A worker's row on the time axis: shift bars, then visits and the travel between them."""
    out = []
    for shift, place, long in row.shifts:
        start, end = shift.start.astimezone(LONDON), shift.end.astimezone(LONDON)
        text = f"{shift.get_kind_display()} {start:%H:%M}-{end:%H:%M}"
        if shift.unpaid_break_minutes:
            text += f", {shift.unpaid_break_minutes} min break"
        if long:
            text += " (over 6 hours, no 20-minute break)"
        if can_edit:
            text = (
                f'<a href="{_shift_path(shift.pk)}?team={team_q}">{escape(text)}'
                '<span class="nhsuk-u-visually-hidden">: change this shift</span></a>'
            )
        else:
            text = escape(text)
        css = (
            f"rota-shift rota-shift--{shift.kind}{' rota-shift--long' if long else ''} rg-c{place.col} rg-s{place.span}"
        )
        out.append(f'<div class="{css}" data-shift="{escape(shift.ref)}">{text}</div>')
    for item in row.items:
        out.append(_travel(item) if item.kind == "travel" else _visit(item, row, can_edit, team_q))
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@cache
def _shift_pattern() -> str:
    return reverse("rota:shift-edit", args=[0])


def _shift_path(pk: int) -> str:
    return _shift_pattern().replace("/0/", f"/{pk}/", 1)


@register.simple_tag
def rota_row_warnings(row) -> str:
    """The row's warnings in words, each with the time of its visit."""
    items = [f'<li data-code="{f.code}">{escape(f.message)}</li>' for f in row.row_warnings]
    items += [
        f'<li data-code="{f.code}">{item.visit.start_hm}: {escape(f.message)}</li>'
        for item in row.items
        if item.kind == "visit"
        for f in item.problems
    ]
    return mark_safe(f'<ul class="rota-warnings" data-warnings>{"".join(items)}</ul>' if items else "")  # noqa: S308


def _card(bv, can_edit: bool, team_q: str) -> str:
    two = bv.visit.carers_required == 2
    drag = ' draggable="true"' if can_edit else ""
    first = f"{bv.minutes} min"
    if two:
        first += " · <strong>two care workers</strong>"
        if bv.workers:
            first += f" ({escape(bv.workers[0].name or bv.workers[0].ref)} planned)"
    if bv.visit.outside_home:
        first += " · outside the home"
    parts = [f"<h3>{bv.start_hm}-{bv.end_hm} {escape(bv.person)}</h3>", f"<p>{first}</p>"]
    slot = bv.slot
    if slot is not None:
        lo, hi = bv.window
        needs = f" · needs {escape(describe_skills(slot.skills))}" if slot.skills else ""
        parts.append(f"<p>Window {lo:%H:%M}-{hi:%H:%M}{needs}</p>")
        if slot.tasks:
            parts.append(f"<p>{escape(slot.tasks)}</p>")
    c = bv.continuity
    if c is not None and c.visits:
        parts.append(
            f"<p>{c.workers} care worker{'s' if c.workers != 1 else ''} in 4 weeks, {c.top_percent}% by the regular 3</p>"
        )
    if can_edit:
        parts.append(
            f'<a class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" href="{bv.assign_path}?team={team_q}">'
            f'Assign<span class="nhsuk-u-visually-hidden"> the {bv.start_hm} visit to {escape(bv.person)}</span></a>'
        )
    css = "rota-card rota-card--two" if two else "rota-card"
    return (
        f'<li class="{css}" data-visit="{escape(bv.ref)}" data-label="{bv.start_hm} {escape(bv.person)}"{drag}>'
        f"{''.join(parts)}</li>"
    )


@register.simple_tag
def rota_cards(visits, can_edit: bool, team_q: str) -> str:
    """The visits still needing a care worker, as cards (each its own "Assign" link)."""
    return mark_safe("".join(_card(bv, can_edit, team_q) for bv in visits))  # noqa: S308 - values escaped
