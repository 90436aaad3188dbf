"""Care lines: where a person lives and the calls their care plan books each day.

A care line ("slot") outlives the people on it: when a package ends, the next person referred in that
patch takes over the same calls. That keeps the rota's runs valid for the whole period while people
start, stop, go into hospital and change hours.

Each call has a preferred time and may be planned up to WINDOW_EARLY before or WINDOW_LATE after it,
as rota planners do; the rota (rota.py) fixes the actual times.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

AM, PM = 0, 1
# Shift blocks (minutes from midnight): 07:00-14:00 with a 30-minute unpaid break, 16:00-22:00.
SHIFTS = {AM: (7 * 60, 14 * 60, 30), PM: (16 * 60, 22 * 60, 0)}
# Calls must finish by these times, so check-outs stay inside the shift.
WINDOW_END = {AM: 13 * 60 + 30, PM: 21 * 60 + 30}
WINDOW_EARLY, WINDOW_LATE = 30, 30
# Preferred times of a person's consecutive calls are at least the call's length plus this apart, so
# however the rota places them inside their windows there are 45 minutes between them.
PREF_GAP = WINDOW_EARLY + WINDOW_LATE + 45

# name: (shift, earliest preferred time, latest preferred time, durations to pick from)
CALLS = {
    "morning": (AM, 7 * 60 + 45, 10 * 60 + 30, (45, 45, 60)),
    "midmorning": (AM, 9 * 60 + 30, 11 * 60 + 30, (45, 60)),
    "lunch": (AM, 12 * 60 + 15, 12 * 60 + 45, (15, 30, 30, 45)),
    "tea": (PM, 16 * 60 + 45, 18 * 60, (15, 30, 30, 45)),
    "bed": (PM, 19 * 60 + 15, 20 * 60 + 45, (30, 30, 45)),
}
PATTERNS = [
    (("morning", "lunch", "tea", "bed"), 0.58),
    (("morning", "tea", "bed"), 0.10),
    (("morning", "lunch", "bed"), 0.08),
    (("morning", "bed"), 0.09),
    (("morning", "tea"), 0.04),
    (("morning",), 0.06),
    (("midmorning",), 0.05),
]
MAX_CALL_MINUTES = 75
# The call the trusted assessor adds or removes when hours change (the first one present).
OPTIONAL_ORDER = ("lunch", "tea")
# A weekly community outing (outside the home) in place of that day's lunch call.
OUTING = (11 * 60, 120)
OUTING_SHARE = 0.08


@dataclass
class Call:
    name: str
    shift: int
    pref: int
    dur: int
    carers: int = 1


@dataclass
class Slot:
    lat: float
    lon: float
    calls: list[Call]
    optional: str | None = None
    outing_day: int = -1  # weekday of the weekly outing, or -1
    two_handed: bool = False
    # Filled by finish(): per weekday, (earliest start, latest start, minutes, shift, carers, outside_home,
    # optional) in time order.
    day_calls: list[list[tuple[int, int, int, int, int, bool, bool]]] = field(default_factory=list)
    # Filled by the rota: per weekday, the planned start of each of day_calls.
    starts: list[list[int]] = field(default_factory=list)

    def finish(self) -> None:
        self.day_calls = []
        for d in range(7):
            out = []
            for c in self.calls:
                if d == self.outing_day and c.name == "lunch":
                    continue
                out.append(
                    (
                        c.pref - WINDOW_EARLY,
                        c.pref + WINDOW_LATE,
                        c.dur,
                        c.shift,
                        c.carers,
                        False,
                        c.name == self.optional,
                    )
                )
            if d == self.outing_day:
                out.append((OUTING[0] - WINDOW_EARLY, OUTING[0] + WINDOW_LATE, OUTING[1], AM, 1, True, False))
            out.sort()
            self.day_calls.append(out)

    def weekly_minutes(self, with_optional: bool = True) -> int:
        return sum(c[2] for day in self.day_calls for c in day if with_optional or not c[6])

    def optional_weekly_minutes(self) -> int:
        return sum(c[2] for day in self.day_calls for c in day if c[6])


def _pick(rng: random.Random, weighted: list) -> object:
    r = rng.random() * sum(w for _, w in weighted)
    for item, w in weighted:
        r -= w
        if r <= 0:
            return item
    return weighted[-1][0]


def make_slot(rng: random.Random, lat: float, lon: float) -> Slot:
    names = _pick(rng, PATTERNS)
    calls = []
    for name in names:
        shift, lo, hi, durs = CALLS[name]
        calls.append(Call(name, shift, lo + 5 * rng.randrange((hi - lo) // 5 + 1), rng.choice(durs)))
    _fit(calls)
    slot = Slot(lat=lat, lon=lon, calls=calls)
    present = [c.name for c in calls]
    if len(calls) > 1:
        slot.optional = next((n for n in OPTIONAL_ORDER if n in present), None)
    morning = next((c for c in calls if c.name == "morning"), None)
    if morning and morning.pref + morning.dur + PREF_GAP <= OUTING[0] and rng.random() < OUTING_SHARE / 0.3:
        slot.outing_day = rng.randrange(7)
    return slot


def _max_dur(calls: list[Call], i: int) -> int:
    c = calls[i]
    limit = WINDOW_END[c.shift] - WINDOW_LATE - c.pref
    if i + 1 < len(calls) and calls[i + 1].shift == c.shift:
        limit = min(limit, calls[i + 1].pref - PREF_GAP - c.pref)
    return min(limit, MAX_CALL_MINUTES)


def _fit(calls: list[Call]) -> None:
    """Move later calls back and shorten calls until the plan's calls keep their distance; a call
    that no longer fits its shift is dropped."""
    calls.sort(key=lambda c: c.pref)
    i = 0
    while i < len(calls):
        c = calls[i]
        if i and calls[i - 1].shift == c.shift:
            prev = calls[i - 1]
            c.pref = max(c.pref, prev.pref + prev.dur + PREF_GAP)
        if WINDOW_END[c.shift] - WINDOW_LATE - c.pref < 15:
            del calls[i]
            continue
        i += 1
    for i, c in enumerate(calls):
        c.dur = max(15, min(c.dur, _max_dur(calls, i)))


def calibrate(rng: random.Random, slots: list[Slot], target_minutes: int) -> None:
    """Lengthen or shorten random calls in 15-minute steps until the weekly total is within a step of
    target: the pilot's headline of about 3,300 care hours a week holds whatever the seed."""
    for s in slots:
        s.finish()
    total = sum(s.weekly_minutes() for s in slots)
    guard = 0
    while abs(total - target_minutes) > 7 * 15 and guard < 200000:
        guard += 1
        s = slots[rng.randrange(len(slots))]
        i = rng.randrange(len(s.calls))
        c = s.calls[i]
        before = s.weekly_minutes()
        if total < target_minutes:
            outing_clash = c.name == "morning" and s.outing_day >= 0 and c.pref + c.dur + 15 + PREF_GAP > OUTING[0]
            if c.dur + 15 <= _max_dur(s.calls, i) and not outing_clash:
                c.dur += 15
        elif c.dur > 15:
            c.dur -= 15
        s.finish()
        total += s.weekly_minutes() - before


def choose_two_handed(rng: random.Random, slots: list[Slot], share: float) -> None:
    """Mark people who need two carers (hoist transfers) until their hours reach `share` of all hours."""
    total = sum(s.weekly_minutes() for s in slots)
    order = list(range(len(slots)))
    rng.shuffle(order)
    two = 0
    for i in order:
        if two >= share * total:
            break
        s = slots[i]
        if s.weekly_minutes() < 7 * 60:  # single short calls are rarely two-handed
            continue
        s.two_handed = True
        for c in s.calls:
            c.carers = 2
        s.finish()
        two += sum(c[2] for day in s.day_calls for c in day if c[4] == 2)
