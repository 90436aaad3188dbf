"""Template filters for values as people write them (homecare/lib/words.py):
{% load words %} then {{ invoice.total|money }} (£1,234.56), {{ n|number }} (2,279),
{{ p|percent }} (78.6%), {{ ratio|share }} (0.572 -> 57.2%), {{ d|day }} (Mon 8 Sep 2025), {{ dt|daytime }} (Mon 8 Sep 2025 07:30),
{{ dt|clock }} (07:30), {{ d|longday }} (8 September 2025), {{ flag|yesno_words }} (Yes / No),
{{ code|words }} ("not_at_home" -> "Not at home"), {{ value|record }} (any record value)."""

from __future__ import annotations

from django import template

from homecare.lib import words as w

register = template.Library()

register.filter("money", w.money)
register.filter("number", w.number)
register.filter("percent", w.percent)
register.filter("share", w.share)
register.filter("day", w.day)
register.filter("daytime", w.day_time)
register.filter("clock", w.clock)
register.filter("longday", w.long_day)
register.filter("yesno_words", w.yes_no)
register.filter("words", w.words)
register.filter("record", w.value_text)
