"""The rota's panels on the home page (commissioning/panels.py): the coordinator's day across every
team (visits still to place and warnings, as each team's board counts them, one link per board), the
call monitoring to check, and the care worker's day. All scoped through tenancy, in a fixed number of
queries whatever the number of teams, care workers or visits: the day is read once for the whole
provider (rota.checks.Facts over every care worker), not board by board."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q

from commissioning.models import Role
from commissioning.panels import register_home_panel
from commissioning.tenancy import scope_for
from homecare.lib.dates import local_midnight
from rota.board import OFF_BOARD
from rota.board_views import board_url
from rota.checks import ROW_CODES, Facts
from rota.models import Attendance, Visit
from rota.myday import my_days, worker_of
from workforce.models import Team, Worker

LATE_CHECK_IN = timedelta(minutes=30)  # a visit not checked in this long after its planned start
EXCEPTION_DAYS = 7  # call monitoring records with an exception code, looked back over


def today_board(actor, today: date, now: datetime) -> dict | None:
    """Per team, today's visits, those still needing a care worker and the warnings on the board."""
    teams = list(scope_for(actor, Team.objects.all()).order_by("name", "ref"))
    if not teams:
        return {"day": today, "rows": [], "visits": 0, "unassigned": 0, "warnings": 0}
    workers = list(
        scope_for(actor, Worker.objects.all())
        .filter(started__lte=today)
        .filter(Q(left__isnull=True) | Q(left__gte=today))
    )
    lo, hi = local_midnight(today), local_midnight(today + timedelta(days=1))
    visits = list(
        scope_for(actor, Visit.objects.all())
        .filter(planned_start__gte=lo, planned_start__lt=hi)
        .exclude(status__in=OFF_BOARD)
        .select_related("person", "slot")
    )
    # Who each person has met only matters to the board's notes, not its warnings: no look-up.
    facts = Facts(workers=workers, day=today, visits=visits, met=set())
    team_of = {w.pk: w.team_id for w in workers}
    figures: dict[int | None, dict] = defaultdict(lambda: {"visits": 0, "unassigned": 0, "warnings": 0})
    on_rows: dict[int, set[tuple[str, str]]] = defaultdict(set)  # worker -> the week's and shifts' warnings
    for v in visits:
        if v.status == Visit.Status.HOSPITAL:
            continue
        team = figures[v.team_id]
        team["visits"] += 1
        assigned = facts.assigned.get(v.pk, [])
        if v.status == Visit.Status.SCHEDULED and len(assigned) < v.carers_required:
            team["unassigned"] += 1
        seen: set[tuple[str, str]] = set()
        for wid in assigned:
            # The board checks its own team's care workers (a visit covered by another team is theirs).
            if wid not in facts.workers or team_of[wid] != v.team_id:
                continue
            for f in facts.findings(v, facts.workers[wid], adding=False):
                if f.kind == "info":
                    continue
                if f.code in ROW_CODES:
                    on_rows[wid].add((f.code, f.message))
                else:
                    seen.add((f.code, f.message))
        team["warnings"] += len(seen)
    for wid, found in on_rows.items():
        figures[team_of[wid]]["warnings"] += len(found)
    rows = [
        {"team": t, "url": board_url(t, today), **figures.get(t.pk, {"visits": 0, "unassigned": 0, "warnings": 0})}
        for t in teams
    ]
    if figures.get(None, {}).get("visits"):  # visits made by hand without a team
        rows.append({"team": None, "url": None, **figures[None]})
    return {
        "day": today,
        "rows": rows,
        "visits": sum(r["visits"] for r in rows),
        "unassigned": sum(r["unassigned"] for r in rows),
        "warnings": sum(r["warnings"] for r in rows),
    }


def call_monitoring(actor, today: date, now: datetime) -> dict | None:
    """Today's visits not checked in 30 minutes after their planned start, and the last week's call
    monitoring records with an exception code (a manual entry, no signal), by code."""
    lo = local_midnight(today)
    attended = Attendance.objects.filter(visit=OuterRef("pk"), check_in__isnull=False)
    late = list(
        scope_for(actor, Visit.objects.all())
        .filter(planned_start__gte=lo, planned_start__lte=now - LATE_CHECK_IN, status=Visit.Status.SCHEDULED)
        .exclude(Exists(attended))
        .select_related("person", "team")
        .order_by("planned_start", "ref")
    )
    since = local_midnight(today - timedelta(days=EXCEPTION_DAYS - 1))
    codes = list(
        scope_for(actor, Attendance.objects.all())
        .filter(check_in__gte=since, check_in__lt=now, exception_code__isnull=False)
        .exclude(exception_code="")
        .values("exception_code")
        .annotate(n=Count("pk"))
        .order_by("-n", "exception_code")
    )
    return {
        "late": late[:8],
        "late_count": len(late),
        "since": today - timedelta(days=EXCEPTION_DAYS - 1),
        "codes": codes,
        "exceptions": sum(c["n"] for c in codes),
    }


def my_day(actor, today: date, now: datetime) -> dict | None:
    """The care worker's visits today (when their week is published): how many, the next one, the shifts."""
    worker = worker_of(actor)
    if worker is None:
        return {"worker": None}
    day = my_days(worker, [today])[today]
    to_do = [v for v in day.visits if v.state in ("check_in", "check_out")]
    return {
        "worker": worker,
        "day": day,
        "count": len(day.visits),
        "done": sum(1 for v in day.visits if v.state == "done"),
        "next": to_do[0] if to_do else None,
        "shifts": day.shifts,
    }


register_home_panel(
    "today-board",
    roles={Role.COORDINATOR},
    template="rota/home/today_board.html",
    context_fn=today_board,
    order=10,
)
register_home_panel(
    "call-monitoring",
    roles={Role.COORDINATOR},
    template="rota/home/call_monitoring.html",
    context_fn=call_monitoring,
    order=20,
)
register_home_panel(
    "my-day",
    roles={Role.CARE_WORKER},
    template="rota/home/my_day.html",
    context_fn=my_day,
    order=10,
)
