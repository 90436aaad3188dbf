"""The rota board's read model: one team's day (rows of care workers with their shifts, visits and
the travel between them; the visits still needing carers; the day's figures) and the ranked
candidates for one visit. A fixed number of queries whatever the team's size (docs/rota.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache, cached_property

from django.db.models import Count, Q
from django.urls import reverse

from homecare.lib.dates import LONDON, local_midnight
from rota.acquaintance import acquaintances
from rota.checks import ROW_CODES, Facts, Finding, leg_minutes, local_day, person_label, window
from rota.models import Attendance, Shift, Visit
from rota.plan_models import CarePlanSlot, Publication, RotaChange
from rota.publishing import first_name
from rota.selectors import CONTINUITY_DAYS, Continuity
from workforce.models import Team, Worker

# The board's time axis: 5-minute columns from 06:00 to midnight, or the whole day when something
# falls before 06:00 (static/css/rota.css has a class per column and per span).
COLUMN_MINUTES = 5
DAY_START_HOUR = 6
OFF_BOARD = (Visit.Status.CANCELLED_BY_PERSON, Visit.Status.CANCELLED_BY_PROVIDER)


@dataclass
class Placed:
    """Something on the time axis: its grid column (1-based) and span in 5-minute columns."""

    col: int
    span: int


@cache
def _assign_pattern() -> str:
    return reverse("rota:visit-assign", args=[0])


def _assign_path(visit_id: int) -> str:
    """The visit's keyboard-path page, without a reverse() per visit (a board holds hundreds)."""
    return _assign_pattern().replace("/0/", f"/{visit_id}/", 1)


@dataclass(eq=False)
class BoardVisit:
    visit: Visit
    workers: list[Worker] = field(default_factory=list)
    findings: dict[int, list[Finding]] = field(default_factory=dict)  # worker id -> what the rules say
    continuity: Continuity | None = None
    changed: bool = False  # changed since the week was published
    place: Placed | None = None
    assignment_ids: dict[int, int] = field(default_factory=dict)  # worker id -> assignment id

    @property
    def ref(self) -> str:
        return self.visit.ref

    @cached_property
    def person(self) -> str:
        return first_name(self.visit.person) if self.visit.person.name else person_label(self.visit.person)

    @cached_property
    def start(self) -> datetime:
        return self.visit.planned_start.astimezone(LONDON)

    @cached_property
    def end(self) -> datetime:
        return self.visit.planned_end.astimezone(LONDON)

    @cached_property
    def start_hm(self) -> str:
        return f"{self.start:%H:%M}"

    @cached_property
    def end_hm(self) -> str:
        return f"{self.end:%H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.visit.planned_end - self.visit.planned_start).total_seconds() // 60)

    @property
    def needed(self) -> int:
        return max(0, self.visit.carers_required - len(self.workers))

    @cached_property
    def window(self) -> tuple[datetime, datetime]:
        lo, hi = window(self.visit)
        return lo.astimezone(LONDON), hi.astimezone(LONDON)

    @property
    def slot(self) -> CarePlanSlot | None:
        return self.visit.slot

    @cached_property
    def assign_path(self) -> str:
        return _assign_path(self.visit.pk)

    @cached_property
    def warnings(self) -> list[Finding]:
        """What the rules say about the visit as planned (each worker's, without repeats). A care
        worker's week over its hours, or a shift without room for its break, is about the worker, not the
        visit: the board shows it once on the worker's row."""
        seen: dict[tuple[str, str], Finding] = {}
        for items in self.findings.values():
            for f in items:
                if f.code not in ROW_CODES:
                    seen.setdefault((f.code, f.message), f)
        return list(seen.values())

    @cached_property
    def problems(self) -> list[Finding]:
        return [f for f in self.warnings if f.kind != "info"]

    def for_worker(self, worker_id: int) -> list[Finding]:
        return self.findings.get(worker_id, [])


@dataclass(eq=False)
class RowItem:
    kind: str  # "visit" or "travel"
    place: Placed
    visit: BoardVisit | None = None
    minutes: int = 0  # travel minutes
    late: bool = False  # the travel does not fit before the next visit's latest start
    warnings: list[Finding] = field(default_factory=list)
    assignment_id: int | None = None

    @cached_property
    def problems(self) -> list[Finding]:
        return [f for f in self.warnings if f.kind != "info"]

    @cached_property
    def notes(self) -> list[Finding]:
        return [f for f in self.warnings if f.kind == "info"]

    @cached_property
    def css(self) -> str:
        """The visit's classes: its place on the axis and its state (no inline styles: CSP)."""
        bv = self.visit
        out = [f"rota-visit rg-c{self.place.col} rg-s{self.place.span}"]
        if self.problems:
            out.append("rota-visit--warn")
        if bv.changed:
            out.append("rota-visit--changed")
        if bv.visit.status == "completed":
            out.append("rota-visit--done")
        return " ".join(out)

    @cached_property
    def title(self) -> str:
        bv = self.visit
        return " · ".join([f"{bv.start_hm}-{bv.end_hm} {bv.person}", *(f.message for f in self.problems)])


@dataclass(eq=False)
class BoardRow:
    worker: Worker
    shifts: list[tuple[Shift, Placed, bool]] = field(default_factory=list)  # (shift, place, long without break)
    items: list[RowItem] = field(default_factory=list)
    absent: bool = False
    week_hours: Decimal = Decimal(0)
    contact_minutes: int = 0
    travel_minutes: int = 0
    paid_minutes: int = 0
    visits: int = 0
    warnings: int = 0
    row_warnings: list[Finding] = field(default_factory=list)  # the week's and the shifts' (ROW_CODES)

    @cached_property
    def name(self) -> str:
        return self.worker.name or self.worker.ref


@dataclass
class Board:
    team: Team
    day: date
    rows: list[BoardRow]
    unassigned: list[BoardVisit]
    hospital: list[BoardVisit]
    covered_elsewhere: list[BoardVisit]
    visits: list[BoardVisit]
    publication: Publication | None
    changes_since_publishing: int
    axis_start_hour: int
    figures: dict

    @property
    def columns(self) -> int:
        return (24 - self.axis_start_hour) * 60 // COLUMN_MINUTES

    @property
    def hours(self) -> list[tuple[str, Placed]]:
        return [
            (
                f"{h:02d}:00",
                Placed(col=(h - self.axis_start_hour) * 60 // COLUMN_MINUTES + 1, span=60 // COLUMN_MINUTES),
            )
            for h in range(self.axis_start_hour, 24)
        ]

    @property
    def week(self) -> date:
        return self.day - timedelta(days=self.day.weekday())


def _place(start: datetime, end: datetime, day: date, axis_start_hour: int) -> Placed:
    origin = local_midnight(day) + timedelta(hours=axis_start_hour)
    total = (24 - axis_start_hour) * 60 // COLUMN_MINUTES
    first = int((start - origin).total_seconds() // 60 // COLUMN_MINUTES)
    last = math.ceil((end - origin).total_seconds() / 60 / COLUMN_MINUTES)
    first = min(max(first, 0), total - 1)
    last = min(max(last, first + 1), total)
    return Placed(col=first + 1, span=last - first)


def team_workers(team: Team, day: date) -> list[Worker]:
    """The team's care workers employed on `day`, by name."""
    return list(
        Worker.objects.filter(team=team, started__lte=day)
        .filter(Q(left__isnull=True) | Q(left__gte=day))
        .order_by("name", "ref")
    )


def day_visits(team: Team, day: date) -> list[Visit]:
    """The team's own visits of the day: made from its care plan slots, or without a team and of a
    person whose care plan names it. (Visits of other teams planned for its care workers come with
    the care workers' planned visits, rota.checks.Facts.)"""
    lo, hi = local_midnight(day), local_midnight(day + timedelta(days=1))
    team_people = CarePlanSlot.objects.filter(team=team).values("package__person_id")
    return list(
        Visit.objects.filter(provider_id=team.provider_id, planned_start__gte=lo, planned_start__lt=hi)
        .filter(Q(team=team) | Q(team__isnull=True, person_id__in=team_people))
        .exclude(status__in=OFF_BOARD)
        .select_related("person", "slot")
    )


def board_for(team: Team, day: date) -> Board:
    workers = team_workers(team, day)
    facts = Facts(workers=workers, day=day, visits=day_visits(team, day), met=set())
    visits = sorted(
        (v for v in facts.visits.values() if local_day(v.planned_start) == day and v.status not in OFF_BOARD),
        key=lambda v: (v.planned_start, v.ref),
    )
    known = acquaintances(team.provider_id, sorted({v.person_id for v in visits}))
    facts.met = known.met
    worker_ids = {w.pk for w in workers}
    outsiders_ids = {wid for v in visits for wid in facts.assigned.get(v.pk, [])} - worker_ids
    outsiders = {w.pk: w for w in Worker.objects.filter(pk__in=outsiders_ids)}
    everyone = {w.pk: w for w in workers} | outsiders

    # Anything before 06:00 (a night visit, an early shift) widens the axis to the whole day.
    early = any(v.planned_start.astimezone(LONDON).hour < DAY_START_HOUR for v in visits) or any(
        local_day(s.start) == day and s.start.astimezone(LONDON).hour < DAY_START_HOUR
        for ss in facts.shifts.values()
        for s in ss
    )
    axis = 0 if early else DAY_START_HOUR

    publication = Publication.objects.filter(team=team, week=day - timedelta(days=day.weekday())).first()
    changed_ids: set[int] = set()
    changes = 0
    if publication is not None:
        recent = RotaChange.objects.filter(worker__team=team, week=publication.week, at__gt=publication.published_at)
        changes = recent.count()
        changed_ids = set(recent.filter(visit_id__in=[v.pk for v in visits]).values_list("visit_id", flat=True))

    conts = {}
    for person_id in {v.person_id for v in visits}:
        n, distinct, share = known.continuity(person_id)
        conts[person_id] = Continuity(
            person_id=person_id,
            visits=n,
            workers=distinct,
            top_share=None if share is None else Decimal(share).quantize(Decimal("0.001")),
        )
    board_visits: dict[int, BoardVisit] = {}
    for v in visits:
        bv = BoardVisit(
            visit=v,
            workers=[everyone[w] for w in facts.assigned.get(v.pk, []) if w in everyone],
            continuity=conts.get(v.person_id),
            changed=v.pk in changed_ids,
            place=_place(v.planned_start, v.planned_end, day, axis),
        )
        bv.assignment_ids = {w.pk: facts.assignment_ids[(v.pk, w.pk)] for w in bv.workers}
        for w in bv.workers:
            if w.pk in worker_ids:
                bv.findings[w.pk] = facts.findings(v, w, adding=False)
        board_visits[v.pk] = bv

    rows = [_row(w, facts, board_visits, day, axis) for w in workers]
    open_visits = [bv for bv in board_visits.values() if bv.visit.status == Visit.Status.SCHEDULED]
    unassigned = [bv for bv in open_visits if bv.needed > 0]
    hospital = [bv for bv in board_visits.values() if bv.visit.status == Visit.Status.HOSPITAL]
    covered = [bv for bv in open_visits if bv.workers and not any(w.pk in worker_ids for w in bv.workers)]
    on_board = [bv for bv in board_visits.values() if bv.visit.status != Visit.Status.HOSPITAL]
    figures = _figures(rows, on_board, unassigned, conts)
    return Board(
        team=team,
        day=day,
        rows=rows,
        unassigned=unassigned,
        hospital=hospital,
        covered_elsewhere=covered,
        visits=on_board,
        publication=publication,
        changes_since_publishing=changes,
        axis_start_hour=axis,
        figures=figures,
    )


def _run_of(shifts: list[Shift], v: Visit) -> int | None:
    """The shift a visit falls in (by its start, as measure 14 places attendances), else None."""
    for s in shifts:
        if s.start <= v.planned_start < s.end:
            return s.pk
    return None


def _row(worker: Worker, facts: Facts, board_visits: dict[int, BoardVisit], day: date, axis: int) -> BoardRow:
    row = BoardRow(worker=worker, absent=worker.pk in facts.absent)
    day_shifts = [s for s in facts.shifts.get(worker.pk, []) if local_day(s.start) == day]
    for s in day_shifts:
        long_no_break = (s.end - s.start) > timedelta(hours=6) and s.unpaid_break_minutes < 20
        row.shifts.append((s, _place(s.start, s.end, day, axis), long_no_break))
        row.paid_minutes += int((s.end - s.start).total_seconds() // 60) - s.unpaid_break_minutes
    mine = [v for v in facts.day_list(worker.pk, day) if v.pk in board_visits]
    prev: Visit | None = None
    for v in mine:
        bv = board_visits[v.pk]
        if prev is not None and _run_of(day_shifts, prev) == _run_of(day_shifts, v):
            minutes = leg_minutes(
                prev.person.home_lat, prev.person.home_lon, v.person.home_lat, v.person.home_lon, worker.travel_mode
            )
            if minutes:
                arrive = prev.planned_end + timedelta(minutes=minutes)
                row.items.append(
                    RowItem(
                        kind="travel",
                        place=_place(prev.planned_end, arrive, day, axis),
                        minutes=minutes,
                        late=arrive > window(v)[1],
                    )
                )
                row.travel_minutes += minutes
        found = [f for f in bv.for_worker(worker.pk) if f.code not in ROW_CODES]
        for f in bv.for_worker(worker.pk):
            if f.code in ROW_CODES and all((f.code, f.message) != (w.code, w.message) for w in row.row_warnings):
                row.row_warnings.append(f)
        row.items.append(
            RowItem(
                kind="visit",
                place=bv.place,
                visit=bv,
                warnings=found,
                assignment_id=bv.assignment_ids.get(worker.pk),
            )
        )
        row.contact_minutes += bv.minutes
        row.visits += 1
        row.warnings += sum(1 for f in found if f.kind != "info")
        prev = v
    row.week_hours = (Decimal(facts.week_minutes(worker.pk)) / 60).quantize(Decimal("0.1"))
    row.warnings += len(row.row_warnings)
    return row


def _figures(rows: list[BoardRow], visits: list[BoardVisit], unassigned: list[BoardVisit], conts) -> dict:
    contact = sum(r.contact_minutes for r in rows)
    paid = sum(r.paid_minutes for r in rows)
    warnings = sum(len(bv.problems) for bv in visits) + sum(len(r.row_warnings) for r in rows)
    people = {bv.visit.person_id for bv in visits}
    known = [conts[p] for p in people if conts.get(p) and conts[p].visits]
    attended = sum(c.visits for c in known)
    by_top = sum(c.top_share * c.visits for c in known) if known else Decimal(0)
    return {
        "visits": len(visits),
        "unassigned": len(unassigned),
        "warnings": warnings,
        "contact_hours": _h(contact),
        "travel_minutes": sum(r.travel_minutes for r in rows),
        "paid_hours": _h(paid),
        "efficiency_percent": None if not paid else int(round(100 * contact / paid)),
        # The day's people: share of their last 4 weeks' visits made by their 3 most frequent care
        # workers, and how many care workers they saw on average.
        "continuity_percent": None if not attended else int(round(100 * by_top / attended)),
        "continuity_workers": None
        if not known
        else (Decimal(sum(c.workers for c in known)) / len(known)).quantize(Decimal("0.1")),
        "continuity_days": CONTINUITY_DAYS,
    }


def _h(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


# ---- the keyboard path: candidates for one visit, best first
@dataclass
class Candidate:
    worker: Worker
    findings: list[Finding]
    refused: bool
    in_shift: bool
    skills_ok: bool
    extra_travel: int | None
    visits_to_person: int

    @property
    def free(self) -> bool:
        return not self.refused

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "warning"]


def candidates(visit: Visit, team: Team) -> list[Candidate]:
    """The team's care workers for `visit`, ranked by fit: free then, in shift, has the skills, fewest
    extra travel minutes, most visits to this person in the last 4 weeks."""
    day = local_day(visit.planned_start)
    workers = team_workers(team, day)
    facts = Facts(workers=workers, day=day, visits=[visit])
    since = local_midnight(day - timedelta(days=CONTINUITY_DAYS))
    counts = dict(
        Attendance.objects.filter(
            worker_id__in=[w.pk for w in workers],
            visit__person_id=visit.person_id,
            check_in__gte=since,
            check_in__lt=local_midnight(day),
        )
        .values("worker_id")
        .annotate(n=Count("id"))
        .values_list("worker_id", "n")
    )
    out = []
    for w in workers:
        if w.pk in facts.assigned.get(visit.pk, []):
            continue
        found = facts.findings(visit, w, adding=True)
        codes = {f.code for f in found}
        before, after = facts.neighbours(w.pk, visit)
        out.append(
            Candidate(
                worker=w,
                findings=found,
                refused=any(f.kind == "refusal" and f.code != "carers_full" for f in found),
                in_shift="outside_shift" not in codes,
                skills_ok="skill_missing" not in codes,
                extra_travel=_extra_travel(facts, w, before, visit, after),
                visits_to_person=counts.get(w.pk, 0),
            )
        )
    out.sort(
        key=lambda c: (
            c.refused,
            not c.in_shift,
            not c.skills_ok,
            c.extra_travel if c.extra_travel is not None else 10_000,
            -c.visits_to_person,
            c.worker.name or c.worker.ref,
        )
    )
    return out


def _extra_travel(facts: Facts, w: Worker, before: Visit | None, v: Visit, after: Visit | None) -> int | None:
    """Minutes this visit adds to the worker's travel: to it and on from it, less the leg it replaces."""
    legs = [
        facts.leg(w, before, v) if before else 0,
        facts.leg(w, v, after) if after else 0,
    ]
    if None in legs:
        return None
    saved = facts.leg(w, before, after) if before and after else 0
    return legs[0] + legs[1] - (saved or 0)
