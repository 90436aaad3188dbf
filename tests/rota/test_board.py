"""The rota board: its figures worked out by hand, the same number of queries for a team of 10 and of
60, the keyboard path's ranking, and the REST API's shapes, refusals and scoping.

Tuesday 8 December 2026. Homes on one meridian: 0.01 degree of latitude = 17 minutes on foot
(see test_assignment_rules)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rota.board import board_for, candidates
from rota.generate import rota_generate
from rota.models import Shift, Visit
from rota.plan_models import Assignment
from tests.reporting.return_builders import d, t
from tests.rota.builders import RotaScenario, board_day

pytestmark = pytest.mark.django_db
DAY = d("2026-12-08")


@pytest.fixture
def s(contract):
    return RotaScenario(contract)


def generate(s):
    rota_generate(provider=s.provider, week=d("2026-12-07"), now=t("2026-12-04 12:00"))


@pytest.fixture
def day(s):
    return board_day(s)


def test_the_days_figures(s, day):
    board = board_for(day["team"], DAY)
    f = board.figures
    # 4 visits; C (one of two carers) and A at 17:00 need a care worker; one warning (C's second carer).
    assert (f["visits"], f["unassigned"], f["warnings"]) == (4, 2, 1)
    # Contact 30 + 45 + 30 = 105 min = 1.75 h; paid (420 - 30) + 240 = 630 min = 10.50 h; 105/630 = 17%.
    assert (str(f["contact_hours"]), str(f["paid_hours"]), f["efficiency_percent"]) == ("1.75", "10.50", 17)
    # Sam walks a -> b: 17 minutes.
    assert f["travel_minutes"] == 17
    assert [bv.ref for bv in board.unassigned] == ["C-AM-20261208", "A-PM-20261208"]
    sam_row = next(r for r in board.rows if r.worker == day["sam"])
    assert [(i.kind, i.minutes if i.kind == "travel" else i.visit.ref) for i in sam_row.items] == [
        ("visit", "A-AM-20261208"),
        ("travel", 17),
        ("visit", "B-AM-20261208"),
    ]
    # On the 06:00 axis (5-minute columns): 09:00 is column 37, a 30-minute visit spans 6.
    assert (sam_row.items[0].place.col, sam_row.items[0].place.span) == (37, 6)


def test_a_shift_without_room_for_its_break_is_told_once_on_the_row(s, day):
    # Sam's shift becomes 08:45-11:00 with 30 minutes unpaid: A 09:00-09:30, 17 minutes' walk, B 10:00-10:45
    # leave 15, 30 - 17 = 13 and 15 minutes idle. Both visits carry the warning; the row shows it once
    # and the day counts it once, beside C's missing second carer: 2 warnings.
    shift = Shift.objects.get(worker=day["sam"])
    shift.start, shift.end = t("2026-12-08 08:45"), t("2026-12-08 11:00")
    shift.save()
    board = board_for(day["team"], DAY)
    sam_row = next(r for r in board.rows if r.worker == day["sam"])
    assert [(f.code, f.message) for f in sam_row.row_warnings] == [
        (
            "break_no_room",
            "The visits leave no 30-minute gap for the unpaid break of the shift 08:45-11:00 (the longest is 15 minutes).",
        )
    ]
    assert [f.code for i in sam_row.items if i.kind == "visit" for f in i.warnings if f.kind != "info"] == []
    assert board.figures["warnings"] == 2


def test_the_board_page_carries_the_contract_attributes(s, day):
    c = Client()
    c.force_login(s.coordinator())
    page = c.get(f"/rota/board/?team=T1&date={DAY}").content.decode()
    for ref in ("W-SAM", "W-KIM"):
        assert f'data-worker="{ref}"' in page
    for ref in ("A-AM-20261208", "B-AM-20261208", "C-AM-20261208", "A-PM-20261208"):
        assert f'data-visit="{ref}"' in page
    assert "data-unassigned" in page and 'data-travel="17"' in page
    assert "A two-carer visit with one carer planned." in page
    assert "style=" not in page and "<style" not in page  # the Content-Security-Policy allows neither


def _big_team(s, n: int, ref: str):
    team = s.team(ref=ref, name=f"Team {n}")
    for i in range(n):
        w = s.carer(team, name=f"{ref} {i:02d}", ref=f"{ref}-W{i:02d}")
        s.care_shift(w, "2026-12-08 07:00", "2026-12-08 14:00", brk=30)
        for k in range(2):
            person = s.person(lat=53.80 + i / 1000, lon=-1.55 + k / 1000)
            package = s.package(person, start="2026-11-02")
            s.slot(package, days=(2,), start=f"{8 + 2 * k:02d}:00", minutes=30, team=team, ref=f"{ref}-{i}-{k}")
    generate(s)
    visits = Visit.objects.filter(team=team).order_by("ref")
    workers = list(team.workers.order_by("ref"))
    for v in visits:
        i = int(v.ref.split("-")[1])
        if i % 5:  # leave a fifth unassigned
            Assignment.objects.create(provider=s.provider, visit=v, worker=workers[i])
    return team


def test_the_board_takes_the_same_number_of_queries_for_10_and_60_care_workers(s):
    small, big = _big_team(s, 10, "S"), _big_team(s, 60, "B")
    # The first board of a day also works out who has met whom that day (once per provider).
    board_for(small, DAY)
    counts = []
    for team in (small, big):
        with CaptureQueriesContext(connection) as q:
            board = board_for(team, DAY)
        counts.append(len(q.captured_queries))
        assert len(board.rows) in (10, 60)
    assert counts[0] == counts[1], counts


def test_candidates_are_ranked_by_fit(s, day):
    team = day["team"]
    off = s.carer(team, name="Off", ref="W-OFF")
    s.absence(off, "2026-12-08", "2026-12-08")
    loyal = s.carer(team, name="Loyal", ref="W-LOYAL")
    s.care_shift(loyal, "2026-12-08 16:00", "2026-12-08 20:00")
    a = day["people"][0]
    for k in range(3):
        day_ = f"2026-11-{20 + k}"
        s.visit(a, f"{day_} 17:00", attend=[(loyal, f"{day_} 17:00", f"{day_} 17:30")])
    stranger = s.carer(team, name="Stranger", ref="W-STRANGER")
    s.care_shift(stranger, "2026-12-08 16:00", "2026-12-08 20:00")
    ranked = candidates(day["v"]["A-PM"], team)
    # Loyal and Stranger are in shift at 17:00 with no travel; Loyal has been 3 times in 4 weeks. Sam
    # and Kim have no shift then: Sam comes from b (17 minutes' walk), Kim from c (35). Off is absent
    # (refused: last).
    assert [c.worker.ref for c in ranked] == ["W-LOYAL", "W-STRANGER", "W-SAM", "W-KIM", "W-OFF"]
    assert (ranked[0].visits_to_person, ranked[0].in_shift, ranked[-1].refused) == (3, True, True)


def test_extra_travel_is_what_the_visit_adds_to_the_round(s, day):
    # A walker with a (09:00) and c (11:00): b at 10:00 in between adds a->b 17 + b->c 17 - a->c 35 = -1.
    team = day["team"]
    lee = s.carer(team, name="Lee", ref="W-LEE")
    s.care_shift(lee, "2026-12-08 07:00", "2026-12-08 13:00")
    extra = s.visit(day["people"][0], "2026-12-08 08:00", status="scheduled")
    Assignment.objects.create(provider=s.provider, visit=extra, worker=lee)
    later = s.visit(day["people"][2], "2026-12-08 12:00", status="scheduled")
    Assignment.objects.create(provider=s.provider, visit=later, worker=lee)
    lee_fit = next(c for c in candidates(day["v"]["B-AM"], team) if c.worker == lee)
    assert lee_fit.extra_travel == -1


# ---- the REST API
@pytest.fixture
def api(s):
    c = Client()
    c.force_login(s.coordinator())
    return c


def test_the_board_json(s, day, api):
    r = api.get(f"/api/v1/rota/board/?team=T1&date={DAY}")
    assert r.status_code == 200
    body = r.json()
    assert (body["team"], body["date"], body["unassigned"]) == ("T1", "2026-12-08", ["C-AM-20261208", "A-PM-20261208"])
    sam = next(w for w in body["workers"] if w["ref"] == "W-SAM")
    assert sam["shifts"][0]["start"] == "2026-12-08T07:00:00+00:00" and sam["shifts"][0]["unpaid_break_minutes"] == 30
    assert sam["visits"] == ["A-AM-20261208", "B-AM-20261208"]
    c = next(v for v in body["visits"] if v["ref"] == "C-AM-20261208")
    assert (c["person"], c["carers_required"], c["workers"]) == (day["people"][2].ref, 2, ["W-KIM"])
    assert c["planned_start"] == "2026-12-08T11:00:00+00:00" and c["planned_end"] == "2026-12-08T11:30:00+00:00"
    assert {(w["code"], w["worker"]) for w in c["warnings"]} == {("one_of_two", "W-KIM"), ("new_to_person", "W-KIM")}
    assert body["figures"]["travel_minutes"] == 17 and body["figures"]["efficiency_percent"] == 17


def test_an_overlap_is_refused_with_the_usual_error_body(s, day, api):
    # Kim is on C 11:00-11:30: a visit at 11:15 overlaps it.
    overlap = s.visit(day["people"][1], "2026-12-08 11:15", status="scheduled")
    r = api.post(
        "/api/v1/rota/assignments/", {"visit": overlap.ref, "worker": "W-KIM"}, content_type="application/json"
    )
    assert r.status_code == 400
    assert r.json() == {
        "errors": [
            {
                "path": "worker",
                "message": f"Kim already has a visit then: 11:00-11:30 with person {day['people'][2].ref}.",
            }
        ]
    }
    assert not Assignment.objects.filter(visit=overlap).exists()


def test_assign_move_and_take_off_over_the_api(s, day, api):
    r = api.post(
        "/api/v1/rota/assignments/", {"visit": "A-PM-20261208", "worker": "W-SAM"}, content_type="application/json"
    )
    assert r.status_code == 201
    body = r.json()
    assert (body["visit"], body["worker"]) == ("A-PM-20261208", "W-SAM")
    assert "outside_shift" in {w["code"] for w in body["warnings"]}  # Sam's shift ends at 14:00
    moved = api.post(
        "/api/v1/rota/assignments/",
        {"visit": "A-PM-20261208", "worker": "W-KIM", "replacing": body["id"]},
        content_type="application/json",
    )
    assert moved.status_code == 201
    assert list(Assignment.objects.filter(visit__ref="A-PM-20261208").values_list("worker__ref", flat=True)) == [
        "W-KIM"
    ]
    assert api.delete(f"/api/v1/rota/assignments/{moved.json()['id']}/").status_code == 204
    assert not Assignment.objects.filter(visit__ref="A-PM-20261208").exists()


def test_shifts_over_the_api(s, day, api):
    r = api.post(
        "/api/v1/rota/shifts/",
        {"worker": "W-KIM", "start": "2026-12-08T16:00:00Z", "end": "2026-12-08T20:00:00Z", "ref": "K-PM"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["ref"] == "K-PM"
    clash = api.post(
        "/api/v1/rota/shifts/",
        {"worker": "W-KIM", "start": "2026-12-08T19:00:00Z", "end": "2026-12-08T21:00:00Z"},
        content_type="application/json",
    )
    assert clash.status_code == 400
    assert clash.json()["errors"] == [
        {"path": "start", "message": "Kim already has a shift then (Tue 8 Dec 16:00-20:00)."}
    ]
    patched = api.patch(
        "/api/v1/rota/shifts/", json.dumps({"ref": "K-PM", "unpaid_break_minutes": 20}), content_type="application/json"
    )
    assert patched.status_code == 200 and Shift.objects.get(ref="K-PM").unpaid_break_minutes == 20


def test_publish_over_the_api(s, day, api):
    r = api.post("/api/v1/rota/publish/", {"team": "T1", "week": "2026-W50"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["week"] == "2026-W50"
    bad = api.post("/api/v1/rota/publish/", {"team": "T1", "week": "December"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["path"] == "week"


def test_another_providers_team_and_visit_are_not_found(s, day, other_provider, other_contract):
    from tests.conftest import make_user

    c = Client()
    c.force_login(make_user(other_provider, "coordinator", email="c2@p2.example"))
    assert c.get(f"/api/v1/rota/board/?team=T1&date={DAY}").status_code == 404
    r = c.post(
        "/api/v1/rota/assignments/", {"visit": "A-PM-20261208", "worker": "W-SAM"}, content_type="application/json"
    )
    assert r.status_code == 404
    assert c.get(f"/rota/board/?team=T1&date={DAY}").status_code == 404
    assert c.get(f"/rota/visits/{day['v']['A-PM'].pk}/assign/").status_code == 404


def test_the_keyboard_path_assigns_with_one_more_press(s, day):
    c = Client()
    c.force_login(s.coordinator())
    url = f"/rota/visits/{day['v']['A-PM'].pk}/assign/?team=T1"
    page = c.get(url).content.decode()
    assert 'data-worker="W-SAM"' in page and "Assign Sam" in page
    r = c.post(url, {"worker": "W-SAM", "team": "T1"})
    assert r.status_code == 302 and r["Location"] == f"/rota/board/?team=T1&date={DAY}"
    assert Assignment.objects.filter(visit=day["v"]["A-PM"], worker=day["sam"]).exists()
    # A refusal comes back on the same page with the rule's message.
    r = c.post(f"/rota/visits/{day['v']['A-PM'].pk}/assign/?team=T1", {"worker": "W-KIM", "team": "T1"}, follow=True)
    assert "Not planned: This visit already has its 1 carer." in r.content.decode()


def test_a_shift_added_on_the_board_and_a_bad_one_explained(s, day):
    c = Client()
    c.force_login(s.coordinator())
    ok = c.post(
        f"/rota/board/shifts/add/?team=T1&date={DAY}",
        {
            "worker": "W-KIM",
            "date": "2026-12-08",
            "start": "16:00",
            "end": "20:00",
            "unpaid_break_minutes": "0",
            "kind": "care",
        },
    )
    assert ok.status_code == 302
    s_ = Shift.objects.get(worker=day["kim"], start=t("2026-12-08 16:00"))
    assert s_.end - s_.start == timedelta(hours=4)
    bad = c.post(
        f"/rota/board/shifts/add/?team=T1&date={DAY}",
        {
            "worker": "W-KIM",
            "date": "2026-12-08",
            "start": "19:00",
            "end": "21:00",
            "unpaid_break_minutes": "0",
            "kind": "care",
        },
    )
    assert bad.status_code == 200 and 'id="id_start-error"' in bad.content.decode()


def test_who_has_met_whom_is_worked_out_once_a_day_and_matches_the_attendances(s, day):
    """The board reads acquaintances as of today (rota/acquaintance.py); they must say what the
    attendances say: Kim has met c (10 days ago), nobody has met a; c's continuity as the live read."""
    from django.utils import timezone

    from rota.plan_models import Acquaintance, AcquaintanceRefresh
    from rota.selectors import continuity

    c = day["people"][2]
    ten_days_ago = timezone.localdate() - timedelta(days=10)
    for k, w in enumerate((day["kim"], day["kim"], day["sam"])):
        when = f"{ten_days_ago - timedelta(days=k)} 11:00"
        s.visit(c, when, attend=[(w, when, f"{ten_days_ago - timedelta(days=k)} 11:30")])
    board = board_for(day["team"], DAY)
    assert AcquaintanceRefresh.objects.get(provider=s.provider).as_of == timezone.localdate()
    assert Acquaintance.objects.get(person=c, worker=day["kim"]).visits_4w == 2
    on_c = next(bv for bv in board.visits if bv.ref == "C-AM-20261208")
    assert "new_to_person" not in {f.code for f in on_c.for_worker(day["kim"].pk)}
    live = continuity(actor=s.coordinator(), people=[c], on=timezone.localdate())[c.pk]
    assert (
        (on_c.continuity.visits, on_c.continuity.workers, on_c.continuity.top_share)
        == (
            live.visits,
            live.workers,
            live.top_share,
        )
        == (3, 2, Decimal("1.000"))
    )
    a_am = next(bv for bv in board.visits if bv.ref == "A-AM-20261208")
    assert "new_to_person" in {f.code for f in a_am.for_worker(day["sam"].pk)}
