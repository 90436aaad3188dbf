"""The planner on small hand-built days read from the database (rota/planning/), and plan_rota.

Tuesday 8 December 2026. Homes on one meridian (lon -1.55): 0.01 degree of latitude is 17 minutes on
foot, 0.02 is 35 (measure 14's rule, see tests/rota/test_assignment_rules.py).

Sam (hoist) and Kim walk, both live at 53.80 and work 08:00-14:00. Visits (window +-30 min from the care
plan's start):
- A at 53.80, 09:00, 30 min; Ann has seen Sam 4 times in the last 4 weeks, never Kim;
- B at 53.81, 10:00, 45 min, needs a hoist: only Sam may do it;
- C at 53.82, 11:00, 30 min, two carers: Sam and Kim at one start;
- D at 53.80, 20:00: no shift covers its window;
- E at 53.80, 12:30, needs "peg": nobody has it.
The cheapest plan: Sam does A, B and C, Kim C. Travel counted as measure 14 (between visits of one
shift): Sam A -> B 17 + B -> C 17 = 34; Kim has one visit, 0. Any other plan costs more: Kim on A walks
A -> C 35 (and is new to Ann). Starts: as close to the care plan's as the round allows. Sam's A at 09:00
ends 09:30, walk 17 -> B from 09:47; B at 10:00 would end 10:45 + 17 = 11:02, after C's planned 11:00,
so B starts at 09:55 (5-minute steps back from 10:00: ends 10:40 + 17 = 10:57 <= 11:00) and C at 11:00.
New person-worker pairs: Bob-Sam, Cat-Sam, Cat-Kim = 3 (Ann has seen Sam)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rota.models import Visit
from rota.plan_models import Assignment
from rota.planning.plan import plan_day
from tests.reporting.return_builders import d, t
from tests.rota.builders import RotaScenario
from tests.rota.planner.days import a_day

pytestmark = pytest.mark.django_db
DAY = d("2026-12-08")


@pytest.fixture
def s(contract):
    return RotaScenario(contract)


@pytest.fixture
def day(s):
    return a_day(s)


def _by_visit(plan):
    names = plan.worker_refs
    return {
        plan.refs[vid]: (sorted(names[w] for w in workers), f"{start.astimezone(DAY_TZ):%H:%M}")
        for vid, (workers, start) in plan.visits.items()
    }


from homecare.lib.dates import LONDON as DAY_TZ  # noqa: E402


def test_a_day_planned_from_the_database(day):
    plan = plan_day(day["team"], DAY, mode="unassigned", time_limit=1, seed=0)
    got = _by_visit(plan)
    assert got["A-AM-20261208"] == (["W-SAM"], "09:00")
    # The hoist is never given to Kim.
    assert got["B-AM-20261208"] == (["W-SAM"], "09:55")
    # A double-up: two care workers at one start.
    assert got["C-AM-20261208"] == (["W-KIM", "W-SAM"], "11:00")
    reasons = {plan.refs[vid]: why for vid, why in plan.unassigned}
    assert reasons == {
        "D-AM-20261208": "no shift covers the visit's window",
        "E-AM-20261208": "no worker on shift has the skills",
    }
    assert plan.after["travel_minutes"] == 34
    assert plan.after["new_pairs"] == 3
    assert (plan.before["unassigned"], plan.after["unassigned"]) == (5, 2)
    # Nothing was written.
    assert not Assignment.objects.exists()


def test_a_pinned_assignment_stays(s, day):
    """Kim checked in at Ann's visit: re-planning the day keeps her there (and its time), though Sam,
    whom Ann knows, would otherwise take it. Kim then walks A -> C: 35."""
    from rota.models import Attendance

    s.plan(day["v"]["A"], day["kim"])
    Attendance.objects.create(
        provider=s.provider, visit=day["v"]["A"], worker=day["kim"], check_in=t("2026-12-08 09:01")
    )
    plan = plan_day(day["team"], DAY, mode="replan", time_limit=1, seed=0)
    got = _by_visit(plan)
    assert got["A-AM-20261208"] == (["W-KIM"], "09:00")
    assert got["C-AM-20261208"][0] == ["W-KIM", "W-SAM"]


def test_replan_moves_what_is_not_pinned_and_unassigned_mode_keeps_it(s, day):
    """Kim is planned (no check-in) on B, which needs a hoist she lacks: "Plan unassigned visits" keeps
    her; "Re-plan the day" gives B to Sam."""
    s.plan(day["v"]["B"], day["kim"])
    keep = _by_visit(plan_day(day["team"], DAY, mode="unassigned", time_limit=1, seed=0))
    assert keep["B-AM-20261208"] == (["W-KIM"], "10:00")
    fresh = _by_visit(plan_day(day["team"], DAY, mode="replan", time_limit=1, seed=0))
    assert fresh["B-AM-20261208"][0] == ["W-SAM"]


def test_plan_rota_writes_plan_json_and_changes_nothing_without_apply(day, tmp_path):
    out = tmp_path / "plan.json"
    call_command(
        "plan_rota", "--provider", "P1", "--team", "T1", "--date", "2026-12-08", "--time-limit", "1", "--out", str(out)
    )
    data = json.loads(out.read_text())
    assert set(data) == {"assignments", "unassigned", "travel_minutes", "continuity", "seconds"}
    assert data["assignments"] == [
        {"visit": "A-AM-20261208", "workers": ["W-SAM"], "start": "2026-12-08T09:00"},
        {"visit": "B-AM-20261208", "workers": ["W-SAM"], "start": "2026-12-08T09:55"},
        {"visit": "C-AM-20261208", "workers": ["W-SAM", "W-KIM"], "start": "2026-12-08T11:00"}
        if data["assignments"][2]["workers"][0] == "W-SAM"
        else {"visit": "C-AM-20261208", "workers": ["W-KIM", "W-SAM"], "start": "2026-12-08T11:00"},
    ]
    assert data["unassigned"] == [
        {"visit": "D-AM-20261208", "reason": "no shift covers the visit's window"},
        {"visit": "E-AM-20261208", "reason": "no worker on shift has the skills"},
    ] or sorted(data["unassigned"], key=lambda u: u["visit"]) == [
        {"visit": "D-AM-20261208", "reason": "no shift covers the visit's window"},
        {"visit": "E-AM-20261208", "reason": "no worker on shift has the skills"},
    ]
    assert (data["travel_minutes"], data["continuity"]) == (34, {"new_pairs": 3})
    assert isinstance(data["seconds"], float | int)
    assert not Assignment.objects.exists()
    assert Visit.objects.get(ref="B-AM-20261208").planned_start == t("2026-12-08 10:00")


def test_plan_rota_apply_changes_the_board(day):
    from rota.board import board_for

    call_command(
        "plan_rota", "--provider", "P1", "--team", "T1", "--date", "2026-12-08", "--time-limit", "1", "--apply"
    )
    board = board_for(day["team"], DAY)
    assert sorted(bv.ref for bv in board.unassigned) == ["D-AM-20261208", "E-AM-20261208"]
    sam_row = next(r for r in board.rows if r.worker == day["sam"])
    assert [i.visit.ref for i in sam_row.items if i.kind == "visit"] == [
        "A-AM-20261208",
        "B-AM-20261208",
        "C-AM-20261208",
    ]
    # B moved within its window through the board's visit-time service.
    b = Visit.objects.get(ref="B-AM-20261208")
    assert (b.planned_start, b.hand_edited) == (t("2026-12-08 09:55"), True)
    # The board's own figures: travel 34, no warnings.
    assert (board.figures["travel_minutes"], board.figures["warnings"]) == (34, 0)


def test_plan_rota_refuses_an_unknown_team(day):
    with pytest.raises(CommandError, match="unknown team"):
        call_command("plan_rota", "--provider", "P1", "--team", "NOPE", "--date", "2026-12-08")


def test_a_shift_is_time_at_work_so_the_journey_to_the_first_visit_comes_before_it(s):
    """Lee lives 35 minutes' walk (0.02 degree) from Mrs Fox, whose care plan says 08:00 (window 07:30-08:30),
    and works 08:00-10:00. A shift is the time out at work (docs/decisions.md), so Lee walks there before
    08:00 and the visit is planned at its care plan time; counted as a shift leaving home at 08:00 she could
    not be there before 08:35."""
    from rota.generate import rota_generate

    team = s.team()
    fox = s.person(lat=53.82, lon=-1.55)
    s.slot(s.package(fox, start="2026-11-02"), days=(2,), start="08:00", minutes=30, team=team, ref="F-AM")
    rota_generate(provider=s.provider, week=d("2026-12-07"), now=t("2026-12-04 12:00"))
    lee = s.carer(team, name="Lee", ref="W-LEE")
    lee.home_lat, lee.home_lon = 53.80, -1.55
    lee.save()
    s.care_shift(lee, "2026-12-08 08:00", "2026-12-08 10:00")
    plan = plan_day(team, DAY, mode="unassigned", time_limit=0.5, seed=0)
    assert _by_visit(plan)["F-AM-20261208"] == (["W-LEE"], "08:00")
    assert plan.unassigned == []
