"""Planning the week's runs once, and the care-worker positions that staff them.

The rota is planned per team, weekday and shift from the care lines' call times (which repeat every
week), so the day-by-day generation only replays it: that is what makes a city-year fast. A run is one
care worker's round in one shift: calls in time order, each reachable on foot from the last with a
margin that absorbs check-in/out jitter, so a worker is never in two places at once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .careplans import AM, PM, WINDOW_END, Slot
from .geo import walk_minutes

# Check-in is at most JITTER minutes either side of the planned start and check-out at most OVERRUN
# after the planned end; keeping OVERRUN minutes free between calls beyond the walk means the next
# check-in never precedes the last check-out, however the jitter falls.
JITTER = 6
OVERRUN = 5
GAP = OVERRUN
# A run's shift fits it to the quarter hour (see _block): no fixed blocks, which left half the paid time
# idle. Shifts are at least two hours; a lull of an hour or more between calls is an unpaid gap.
QUARTER = 15
MIN_SHIFT = 2 * 60
SPLIT_LULL = 45
PAID_IN_LULL = 15
FIRST_CALL = {AM: 7 * 60 + 15, PM: 16 * 60 + 15}


@dataclass
class TVisit:
    slot: int
    start: int
    end: int
    carers: int
    outside: bool
    optional: bool
    k: int  # the call's number in the person's day, for the visit's ref


@dataclass
class Template:
    visits: list[TVisit] = field(default_factory=list)
    # Each run: (visit index, walking minutes from the run's previous call).
    runs: list[list[tuple[int, int]]] = field(default_factory=list)
    blocks: list[tuple[int, int, int]] = field(default_factory=list)  # each run's shift block


def travel_matrix(slots: list[Slot]) -> list[list[int]]:
    return [[walk_minutes(a.lat, a.lon, b.lat, b.lon) for b in slots] for a in slots]


def plan_team(slots: list[Slot], travel: list[list[int]]) -> list[list[Template]]:
    """templates[weekday][shift] for one team; also records each call's planned start in slot.starts."""
    for slot in slots:
        slot.starts = [[0] * len(slot.day_calls[d]) for d in range(7)]
    out = []
    k_hint = {AM: 1, PM: 1}
    for d in range(7):
        per_shift = []
        for shift in (AM, PM):
            calls = [
                (si, k, c) for si, slot in enumerate(slots) for k, c in enumerate(slot.day_calls[d]) if c[3] == shift
            ]
            runs, starts = _plan(calls, travel, shift, k_hint[shift])
            k_hint[shift] = max(1, len(runs) - 2)
            t = Template()
            index = {}
            for (si, k, c), st in sorted(zip(calls, starts, strict=True), key=lambda x: (x[1], x[0][0])):
                index[(si, k)] = len(t.visits)
                t.visits.append(TVisit(si, st, st + c[2], c[4], c[5], c[6], k))
                slots[si].starts[d][k] = st
            t.runs = [[(index[(calls[ci][0], calls[ci][1])], w) for ci, w in run] for run in runs]
            t.blocks = [_block(shift, [t.visits[vi] for vi, _ in run]) for run in t.runs]
            per_shift.append(t)
        out.append(per_shift)
    return out


def _block(shift: int, visits: list[TVisit]) -> tuple[int, int, int]:
    """The run's shift: from its first call (less the check-in margin) to its last (plus the overrun),
    out to the quarter hour, at least MIN_SHIFT long; a long lull between calls (the late morning, the
    afternoon) is unpaid, as in a split shift, less half an hour kept paid to get to the next call."""
    ordered = sorted(visits, key=lambda v: v.start)
    start = (ordered[0].start - JITTER) // QUARTER * QUARTER
    end = -(-(max(v.end for v in ordered) + OVERRUN) // QUARTER) * QUARTER
    if end - start < MIN_SHIFT:
        end = min(start + MIN_SHIFT, 24 * 60)
        start = end - MIN_SHIFT
    lull = max((b.start - a.end for a, b in zip(ordered, ordered[1:], strict=False)), default=0)
    brk = (lull - PAID_IN_LULL) // QUARTER * QUARTER if lull >= SPLIT_LULL else 0
    if end - start - brk > 6 * 60 and brk < 30:
        brk = 30  # the Working Time Regulations' break, unpaid, in a shift over six hours
    return start, end, brk


def _plan(calls: list, travel: list[list[int]], shift: int, k_start: int) -> tuple[list, list[int]]:
    """The fewest runs (tried upwards from k_start) that fit every call inside its window."""
    if not calls:
        return [], []
    # No run can hold more than its window's length of calls: a lower bound on how many are needed.
    k = max(k_start, -(-sum(c[2] * c[4] for _, _, c in calls) // (WINDOW_END[shift] - FIRST_CALL[shift])))
    while True:
        result = _try(calls, travel, shift, k)
        if result is not None:
            runs, starts = result
            return [r for r in runs if r], starts
        k += 1


def _try(calls: list, travel: list[list[int]], shift: int, k: int):
    # Parallel list scheduling: the run that is free soonest takes the call it can start soonest
    # (preferring calls whose window closes first); a two-carer call also takes the other run that
    # can get there soonest. Fails when a call's window closes before any run can reach it.
    n = len(calls)
    free = [FIRST_CALL[shift] - GAP] * k
    last = [-1] * k
    runs: list[list[tuple[int, int]]] = [[] for _ in range(k)]
    starts = [0] * n
    todo = sorted(range(n), key=lambda ci: calls[ci][2][0])  # by window opening
    closed = [False] * k
    while todo:
        open_runs = [r for r in range(k) if not closed[r]]
        if not open_runs:
            return None
        r = min(open_runs, key=lambda x: (free[x], x))
        best = None
        for ci in todo:
            si, _, (lo, hi, dur, _, carers, _, _) = calls[ci]
            if best is not None and lo >= best[0]:
                break  # every later call scores at least its window's opening
            t = travel[last[r]][si] if last[r] >= 0 else 0
            st = max(lo, free[r] + t + GAP)
            partner, pt, best_arr = -1, 0, 0
            if carers == 2:
                for r2 in open_runs:
                    if r2 == r:
                        continue
                    t2 = travel[last[r2]][si] if last[r2] >= 0 else 0
                    arr = free[r2] + t2 + GAP
                    if partner < 0 or arr < best_arr:
                        partner, pt, best_arr = r2, t2, arr
                if partner < 0:
                    continue
                st = max(st, best_arr)
            st = -(-st // 5) * 5
            if st > hi:
                continue
            score = st + t + (hi - st) // 3
            if best is None or score < best[0]:
                best = (score, ci, st, t, partner, pt)
        if best is None:
            closed[r] = True
            continue
        _, ci, st, _, _, _ = best
        si, _, c = calls[ci]
        starts[ci] = st
        # Best fit: of the runs that can be there by then, the ones that have been idle least. This
        # keeps lunch calls on a few runs, so the others can stop after the morning on a short block.
        able = []
        for rr in open_runs:
            tt = travel[last[rr]][si] if last[rr] >= 0 else 0
            if free[rr] + tt + GAP <= st:
                able.append((-free[rr], rr, tt))
        able.sort()
        for _, rr, tt in able[: c[4]]:
            runs[rr].append((ci, tt))
            free[rr] = st + c[2]
            last[rr] = si
        todo.remove(ci)
    return runs, starts


@dataclass
class Position:
    """A job on a team's rota: a shift (AM/PM) on fixed weekdays. Filled by one worker at a time."""

    shift: int
    days: tuple[int, ...]
    workers: list[tuple[int, int, int]] = field(default_factory=list)  # (worker index, first day, last day)
    # Paid minutes a week of the runs it does on its days (0 for days it is spare cover): what a
    # guaranteed-hours or salaried contract promises, so that pay matches the rota, not a nominal shift.
    weekly_minutes: int = 0


def make_positions(
    rng: random.Random, templates: list[list[Template]], days_per_week: list[tuple[int, float]], spare_share: float
) -> tuple[list[Position], list[list[list[int]]]]:
    """Positions for a team and, per weekday and shift, the on-duty positions in rota order: the first
    len(runs) do the runs, the rest are spare cover for absence that day."""
    positions: list[Position] = []
    for shift in (AM, PM):
        need = []
        for d in range(7):
            n = len(templates[d][shift].runs)
            need.append(n + (max(1, round(n * spare_share)) if n else 0))
        while any(x > 0 for x in need):
            k = _pick_days(rng, days_per_week)
            order = sorted(range(7), key=lambda d: (-need[d], rng.random()))
            days = tuple(sorted(order[:k]))
            for d in days:
                need[d] -= 1
            positions.append(Position(shift=shift, days=days))
    # Positions working more days come first so they do the regular runs (continuity of care);
    # those working fewer days are the spare cover.
    ranked = sorted(range(len(positions)), key=lambda p: (positions[p].shift, -len(positions[p].days), p))
    positions = [positions[p] for p in ranked]
    onduty = [
        [[p for p, pos in enumerate(positions) if pos.shift == shift and d in pos.days] for shift in (AM, PM)]
        for d in range(7)
    ]
    for d in range(7):
        for shift in (AM, PM):
            blocks = templates[d][shift].blocks
            for k, p in enumerate(onduty[d][shift][: len(blocks)]):
                start, end, brk = blocks[k]
                positions[p].weekly_minutes += end - start - brk
    return positions, onduty


def _pick_days(rng: random.Random, weighted: list[tuple[int, float]]) -> int:
    r = rng.random()
    for k, w in weighted:
        r -= w
        if r <= 0:
            return k
    return weighted[-1][0]
