"""Care plans for the demo's people: the visit slots that match the visits the generator makes.

Each care line's calls are planned once per weekday (rota.py) and replayed every week, so a call's
visits start at the same time on a given weekday: a slot per call and per group of weekdays sharing
that time, starting at it, with the call's window (30 minutes either side of the preferred time) as
earliest and latest start. The adjustable call (lunch or tea) is in the plan only while the
person's package books it (package changes switch it on and off); the weekly outing replaces lunch
on its day. Records have the bundle's `care_plan_slots` shape (docs/spec/bundle-format.md).
"""

from __future__ import annotations

from collections.abc import Callable

from .careplans import OUTING, WINDOW_EARLY, Slot
from .people import Occupant

TASKS = {
    "morning": "Wash, dress, breakfast and tablets",
    "midmorning": "Help around the home and a shopping list",
    "lunch": "Lunch and a drink",
    "tea": "Tea, tablets and a drink",
    "bed": "Help to get ready for bed",
    "outing": "Out to the shops or the café",
}


def _hm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _booked_spans(occ: Occupant, last_day: int) -> list[tuple[int, int | None]]:
    """Day ranges (first, last or None) in which the person's adjustable call is booked."""
    spans: list[tuple[int, int | None]] = []
    on, since = occ.optional_on, occ.start
    for day, state in sorted(occ.optional_events):
        if state == on:
            continue
        if on:
            spans.append((since, day - 1))
        on, since = state, day
    if on:
        spans.append((since, occ.end))
    return [(a, b) for a, b in spans if b is None or b >= a]


def care_plan_records(
    slot: Slot, occ: Occupant, *, team: str, day_str: Callable[[int], str], last_day: int
) -> list[dict]:
    """The care plan slots of one person on one care line (bundle `care_plan_slots` records)."""
    names = {c.pref - WINDOW_EARLY: c.name for c in slot.calls}
    # Each call: per weekday its planned start, length, carers, outside the home.
    calls: dict[tuple[int, bool, bool], dict[int, tuple[int, int, int]]] = {}
    for wd in range(7):
        for k, (lo, _hi, dur, _shift, carers, outside, optional) in enumerate(slot.day_calls[wd]):
            calls.setdefault((lo, outside, optional), {})[wd] = (slot.starts[wd][k], dur, carers)
    skills = []
    if slot.two_handed:
        skills.append("moving_and_handling")
    if occ.lot == 2:
        skills.append("delegated_healthcare")
    records = []
    n = 0
    for (lo, outside, optional), per_day in sorted(calls.items()):
        name = "outing" if outside and lo == OUTING[0] - WINDOW_EARLY else names.get(lo, "visit")
        groups: dict[tuple[int, int, int], list[int]] = {}
        for wd, key in sorted(per_day.items()):
            groups.setdefault(key, []).append(wd + 1)
        spans = _booked_spans(occ, last_day) if optional else [(occ.start, occ.end)]
        for (start, dur, carers), days in sorted(groups.items()):
            for first, last in spans:
                n += 1
                records.append(
                    {
                        "ref": f"CP-{occ.package}-{n}",
                        "package": occ.package,
                        "team": team,
                        "days": days,
                        "start": _hm(start),
                        "earliest": _hm(min(lo, start)),
                        "latest": _hm(max(lo + 2 * WINDOW_EARLY, start)),
                        "minutes": dur,
                        "carers_required": carers,
                        "skills": skills,
                        "outside_home": outside,
                        "tasks": TASKS.get(name, ""),
                        "valid_from": day_str(first),
                        "valid_until": None if last is None else day_str(last),
                    }
                )
    return records
