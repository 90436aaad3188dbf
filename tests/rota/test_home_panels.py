"""The rota's home panels, figures worked out by hand: the coordinator's day across teams (the same
visits, still to place and warnings as each team's board), call monitoring to check, and the care
worker's day; another provider's rows never appear; the query count does not grow with the data.

Tuesday 8 December 2026, as in test_board: homes on one meridian, 0.01 degree of latitude = 17 minutes
on foot."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commissioning.models import Role
from rota.home_panels import call_monitoring, my_day, today_board
from rota.models import Attendance
from rota.plan_models import Publication
from tests.conftest import make_user
from tests.reporting.return_builders import d, t
from tests.rota.builders import RotaScenario, board_day

pytestmark = pytest.mark.django_db
DAY = d("2026-12-08")


@pytest.fixture
def s(contract):
    return RotaScenario(contract)


@pytest.fixture
def other(other_contract):
    """Provider Two's own team and day (another provider's rows never appear)."""
    return board_day(RotaScenario(other_contract), team_ref="T9", name="Provider Two team", prefix="X")


def test_the_coordinators_day_counts_as_the_teams_board_does(s, coordinator, other):
    day = board_day(s)
    ctx = today_board(coordinator, DAY, t("2026-12-08 08:00"))
    # 4 visits; C (one of its two carers) and A at 17:00 still to place; one warning: C has one carer.
    [row] = ctx["rows"]
    assert row["team"] == day["team"] and (row["visits"], row["unassigned"], row["warnings"]) == (4, 2, 1)
    assert row["url"] == "/rota/board/?team=T1&date=2026-12-08"
    assert (ctx["visits"], ctx["unassigned"], ctx["warnings"]) == (4, 2, 1)


def test_the_coordinators_day_takes_the_same_queries_for_one_team_or_three(s, coordinator):
    board_day(s)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            today_board(coordinator, DAY, t("2026-12-08 08:00"))
            call_monitoring(coordinator, DAY, t("2026-12-08 10:00"))
        return len(ctx.captured_queries)

    few = queries()
    board_day(s, team_ref="T2", name="Bramley team", prefix="B")
    board_day(s, team_ref="T3", name="Farnley team", prefix="F")
    assert queries() == few
    assert [(r["visits"], r["unassigned"]) for r in today_board(coordinator, DAY, t("2026-12-08 08:00"))["rows"]] == [
        (4, 2),
        (4, 2),
        (4, 2),
    ]


def test_call_monitoring_lists_visits_not_checked_in_and_exception_codes(s, coordinator, other):
    day = board_day(s)
    # At 10:00, A (09:00) is 60 minutes past its start with no check-in; B (10:00) is not yet 30 minutes.
    ctx = call_monitoring(coordinator, DAY, t("2026-12-08 10:00"))
    assert ctx["late_count"] == 1 and [v.ref for v in ctx["late"]] == ["A-AM-20261208"]
    # Sam checks in at A at 09:05 (an app with no signal: an exception code): no longer late.
    Attendance.objects.create(
        provider=s.provider,
        visit=day["v"]["A-AM"],
        worker=day["sam"],
        check_in=t("2026-12-08 09:05"),
        exception_code="no_signal",
    )
    # Kim's check-in at C entered by hand (an exception code too).
    Attendance.objects.create(
        provider=s.provider,
        visit=day["v"]["C-AM"],
        worker=day["kim"],
        check_in=t("2026-12-08 11:02"),
        check_out=t("2026-12-08 11:31"),
        exception_code="manual",
    )
    # Provider Two's exception: not ours.
    Attendance.objects.create(
        provider=other["team"].provider,
        visit=other["v"]["A-AM"],
        worker=other["sam"],
        check_in=t("2026-12-08 09:05"),
        exception_code="no_signal",
    )
    ctx = call_monitoring(coordinator, DAY, t("2026-12-08 12:00"))
    # At noon: A and C are checked in; B (10:00) is two hours past its start with none.
    assert [v.ref for v in ctx["late"]] == ["B-AM-20261208"]
    assert ctx["exceptions"] == 2 and [(c["exception_code"], c["n"]) for c in ctx["codes"]] == [
        ("manual", 1),
        ("no_signal", 1),
    ]


def test_the_care_workers_day_once_the_week_is_published(s):
    day = board_day(s)
    sam_user = make_user(s.provider, Role.CARE_WORKER, email="sam@p1.example")
    day["sam"].user = sam_user
    day["sam"].save(update_fields=["user"])
    assert my_day(sam_user, DAY, t("2026-12-08 08:00"))["day"].published is False
    Publication.objects.create(provider=s.provider, team=day["team"], week=d("2026-12-07"))
    ctx = my_day(sam_user, DAY, t("2026-12-08 08:00"))
    # Sam's day: A at 09:00 and B at 10:00, the shift 07:00-14:00; nothing done yet, A next.
    assert ctx["count"] == 2 and ctx["done"] == 0
    assert ctx["next"].visit == day["v"]["A-AM"]
    assert [(s_.start, s_.end) for s_ in ctx["shifts"]] == [(t("2026-12-08 07:00"), t("2026-12-08 14:00"))]
    # A login with no worker record says so.
    assert my_day(make_user(s.provider, Role.CARE_WORKER, email="new@p1.example"), DAY, t("2026-12-08 08:00")) == {
        "worker": None
    }


def test_teams_of_another_provider_never_show(s, other, provider):
    board_day(s)
    coordinator = make_user(provider, Role.COORDINATOR, email="c2@p1.example")
    refs = [r["team"].ref for r in today_board(coordinator, DAY, t("2026-12-08 08:00"))["rows"]]
    assert refs == ["T1"]
