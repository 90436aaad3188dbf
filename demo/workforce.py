"""Care workers filling rota positions over time: starters, leavers, absence and training days."""

from __future__ import annotations

import random
from array import array
from dataclasses import dataclass, field

from .rota import Position

SICKNESS_SPELLS_PER_DAY = 1 / 70  # with spells of about 3.5 days: about 5% of days, as in home care
HOLIDAY_SPELLS_PER_DAY = 1 / 55
TRAINING_DAYS_EVERY = 60
LEAVING_REASONS = [
    ("Job in retail or hospitality", 0.25),
    ("Moved to another care provider", 0.30),
    ("Personal or family reasons", 0.15),
    ("Left for NHS role", 0.10),
    ("Retired", 0.08),
    ("Health reasons", 0.06),
    ("Dismissed", 0.06),
]
COURSES = [
    ("Moving and handling refresher", "3.5"),
    ("Medication administration", "3.0"),
    ("Safeguarding adults", "3.0"),
    ("Dementia awareness", "3.5"),
    ("Infection prevention and control", "2.5"),
    ("Delegated healthcare: catheter and stoma care", "6.0"),
    ("Delegated healthcare: diabetes and insulin", "6.0"),
    ("Community connecting", "3.0"),
    ("First aid at work", "6.0"),
]
INDUCTION = ("Care Certificate induction", "7.0")


@dataclass
class Worker:
    ref: str
    team: str
    started: int
    left: int | None
    leaving_reason: str | None
    contract_type: str
    contracted_weekly_hours: str | None
    pay_rate: str
    skills: list[str]
    lat: float
    lon: float
    travel_mode: str
    absences: list[tuple[int, int, str]] = field(default_factory=list)  # (first day, last day, kind)
    training: list[tuple[int, str, str]] = field(default_factory=list)  # (day, course, hours)


def _pick(rng: random.Random, weighted: list) -> object:
    r = rng.random()
    for item, w in weighted:
        r -= w
        if r <= 0:
            return item
    return weighted[-1][0]


def staff_positions(
    rng: random.Random,
    positions: list[Position],
    n_days: int,
    *,
    team_ref: str,
    new_worker_ref: callable,
    home: tuple[float, float],
    point_near: callable,
    annual_turnover: float,
    travel_modes: list[tuple[str, float]],
    lot2_team: bool,
) -> tuple[list[Worker], list[array]]:
    """Workers for each position over the data (a leaver's post is refilled after a vacancy) and, per
    position, which worker (index into the returned list) is available on each day, or -1."""
    last = n_days - 1
    workers: list[Worker] = []
    avail: list[array] = []
    leave_rate = annual_turnover / 365
    for pos in positions:
        a = array("i", [-1]) * n_days
        start = -rng.randint(30, 2500)
        while start <= last:
            left = max(start, 0) + int(rng.expovariate(leave_rate))
            w = _new_worker(
                rng,
                pos,
                new_worker_ref(),
                team_ref,
                start,
                left if left <= last else None,
                home,
                point_near,
                travel_modes,
                lot2_team,
            )
            wi = len(workers)
            workers.append(w)
            stop = last if w.left is None else w.left
            for d in range(max(start, 0), stop + 1):
                a[d] = wi
            _absences_and_training(rng, w, max(start, 0), stop)
            for first, lastday, _ in w.absences:
                for d in range(first, lastday + 1):
                    a[d] = -1
            for d, _, _ in w.training:
                if 0 <= d <= last:
                    a[d] = -1
            pos.workers.append((wi, max(start, 0), stop))
            if w.left is None:
                break
            start = w.left + rng.randint(10, 45)  # vacancy before the starter arrives
        avail.append(a)
    return workers, avail


def _new_worker(rng, pos, ref, team_ref, start, left, home, point_near, travel_modes, lot2_team) -> Worker:
    days = len(pos.days)
    # The hours of the runs the position does each week, down to the quarter hour: a contract promises
    # what the rota gives (a position that is only ever spare cover has none to promise).
    weekly = pos.weekly_minutes // 15 * 15 / 60
    if days >= 5 and rng.random() < 0.2 and weekly:
        ctype, hours = "salaried", f"{weekly:.2f}"
    elif days >= 4 and weekly:
        ctype, hours = "guaranteed_hours", f"{weekly:.2f}"
    else:
        ctype, hours = "zero_hours", None
    senior = rng.random() < 0.12
    pay = "14.60" if senior else ("13.95" if ctype != "zero_hours" else "13.45")
    skills = ["personal_care", "medication"]
    if rng.random() < 0.6:
        skills.append("moving_and_handling")
    if lot2_team and rng.random() < 0.5:
        skills.append("delegated_healthcare")
    if rng.random() < 0.3:
        skills.append("dementia")
    mode = _pick(rng, travel_modes)
    lat, lon = point_near(rng, home[0], home[1], 1.0 if mode == "walk" else 3.0)
    return Worker(
        ref=ref,
        team=team_ref,
        started=start,
        left=left,
        leaving_reason=_pick(rng, LEAVING_REASONS) if left is not None else None,
        contract_type=ctype,
        contracted_weekly_hours=hours,
        pay_rate=pay,
        skills=skills,
        lat=lat,
        lon=lon,
        travel_mode=mode,
    )


def _absences_and_training(rng: random.Random, w: Worker, first: int, last: int) -> None:
    if w.started >= 0:
        for day in (w.started, w.started + 1):  # induction: two days before the first shift
            if day <= last:
                w.training.append((day, *INDUCTION))
        first = w.started + 2
    day = first
    for kind, rate in (("sickness", SICKNESS_SPELLS_PER_DAY), ("holiday", HOLIDAY_SPELLS_PER_DAY)):
        day = first
        while True:
            day += int(rng.expovariate(rate))
            if day > last:
                break
            if kind == "sickness":
                length = 1 + min(int(rng.expovariate(1 / 2.5)), 27)
            else:
                length = rng.randint(1, 3) if rng.random() < 0.5 else rng.randint(5, 10)
            end = min(day + length - 1, last)
            if not any(a <= end and day <= b for a, b, _ in w.absences):
                w.absences.append((day, end, kind))
            day = end + 2
    w.absences.sort()
    day = first
    while True:
        day += int(rng.expovariate(1 / TRAINING_DAYS_EVERY))
        if day > last:
            break
        if not any(a <= day <= b for a, b, _ in w.absences):
            w.training.append((day, *COURSES[rng.randrange(len(COURSES))]))
        day += 7
