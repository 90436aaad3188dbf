"""The planner's own vocabulary: what a rota problem and its solution are, free of Django and of the solver.

Times are whole ticks on one clock chosen by the caller: minutes since midnight of the planned day for the
board; the benchmark readers scale their instances' units so that rounding never makes a plan infeasible.
Locations are indices into the travel rule's list of places.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

# Shifts longer than this need an unpaid break of at least BREAK_MINUTES (working time regulations'
# 20 minutes for a day over 6 hours); the board passes the break it wants on each shift.
LONG_SHIFT_MINUTES = 6 * 60
BREAK_MINUTES = 20


class TravelRule(Protocol):
    """Travel ticks between places for a mode of travel: a square integer matrix over all places."""

    def matrix(self, mode: str) -> np.ndarray: ...


@dataclass(frozen=True)
class Worker:
    id: str
    skills: frozenset[str] = frozenset()
    mode: str = "walk"  # walk, cycle, public or car (measure 14's speeds)
    hours_worked: float = 0.0  # this week so far
    contracted_hours: float = 0.0


@dataclass(frozen=True)
class Shift:
    id: str
    worker: str
    start: int
    end: int
    home: int  # place the shift starts from (the worker's home)
    end_home: int | None = None  # place it ends at; None means back home
    unpaid_break: int = 0  # ticks of one unbroken idle gap somewhere in the shift
    capacity: int | None = None  # only benchmarks (Solomon) carry loads
    # The journeys from home to the first visit and back from the last are outside the shift's hours (the
    # board's shifts are time at work: the first visit may start at the shift's start); they still cost as
    # travel, so a worker's first and last visits are near home where that is all the same otherwise.
    commute: bool = False

    @property
    def finish_place(self) -> int:
        return self.home if self.end_home is None else self.end_home


@dataclass(frozen=True)
class Part:
    """One carer's share of a visit: a two-carer visit has two parts, usually alike."""

    minutes: int
    skills: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Visit:
    id: str
    place: int
    earliest: int  # window for the start
    latest: int
    parts: tuple[Part, ...]
    # Second part's start minus the first's, when there are two: (0, 0) is a double-up, both at one minute.
    gap: tuple[int, int] = (0, 0)
    # Workers the person has seen in the last 4 weeks, with how many visits.
    seen: Mapping[str, int] = field(default_factory=dict)
    pinned: tuple[str, ...] = ()  # workers the coordinator fixed on this visit
    late_allowed: bool = False  # benchmarks with soft windows (HHCRSP): lateness is costed, not forbidden
    demand: int = 0

    @property
    def carers(self) -> int:
        return len(self.parts)


def visit(
    id: str,
    place: int,
    earliest: int,
    latest: int,
    minutes: int,
    *,
    carers: int = 1,
    skills: frozenset[str] = frozenset(),
    seen: Mapping[str, int] | None = None,
    pinned: tuple[str, ...] = (),
) -> Visit:
    """The board's usual visit: every carer does the same minutes with the same skills, double-ups together."""
    return Visit(
        id, place, earliest, latest, tuple(Part(minutes, skills) for _ in range(carers)), seen=seen or {}, pinned=pinned
    )


@dataclass(frozen=True)
class Settings:
    continuity_cost: int = 20  # ticks of travel that a worker the person has not seen in 4 weeks costs
    balance_cost: float = 0.05  # ticks per tick of care, times the worker's share of contract already worked
    shift_cost: int = 0  # cost of using a shift at all (Solomon's vehicles-first objective)
    late_cost: float = 1.0  # per tick late, for late-allowed visits
    max_late_cost: float = 0.0  # per tick of the largest lateness (HHCRSP's objective has one)
    # Lateness bands (ticks after the window's end) that PyVRP sees as steps of cost; the last is open.
    late_bands: tuple[int, ...] = (0, 5, 15, 30, 60, 120)
    # Solver cost units per tick: 100 keeps the board's small costs (balance) from rounding away; the
    # benchmarks' ticks are already fine-grained.
    cost_scale: int = 100


@dataclass(frozen=True)
class Problem:
    workers: Mapping[str, Worker]
    shifts: tuple[Shift, ...]
    visits: tuple[Visit, ...]
    travel: TravelRule
    settings: Settings = Settings()

    def visit_by_id(self) -> dict[str, Visit]:
        return {v.id: v for v in self.visits}

    def shift_by_id(self) -> dict[str, Shift]:
        return {s.id: s for s in self.shifts}


@dataclass(frozen=True)
class Stop:
    visit: str
    part: int  # which of the visit's parts this worker does
    start: int


@dataclass(frozen=True)
class Unassigned:
    visit: str
    reason: str


@dataclass(frozen=True)
class Assignment:
    visit: str
    workers: tuple[str, ...]  # in part order
    starts: tuple[int, ...]

    @property
    def start(self) -> int:
        return self.starts[0]


@dataclass
class Solution:
    routes: dict[str, list[Stop]]  # shift id -> stops in time order
    unassigned: list[Unassigned] = field(default_factory=list)

    def assignments(self, problem: Problem) -> dict[str, Assignment]:
        shifts = problem.shift_by_id()
        found: dict[str, dict[int, tuple[str, int]]] = {}
        for shift_id, stops in self.routes.items():
            for stop in stops:
                found.setdefault(stop.visit, {})[stop.part] = (shifts[shift_id].worker, stop.start)
        result = {}
        for visit_id, parts in found.items():
            ordered = [parts[k] for k in sorted(parts)]
            result[visit_id] = Assignment(visit_id, tuple(w for w, _ in ordered), tuple(t for _, t in ordered))
        return result
