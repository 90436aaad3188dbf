"""Small formatting filters for the rota pages."""

from __future__ import annotations

from django import template

from rota.careplans import describe_days

register = template.Library()


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
