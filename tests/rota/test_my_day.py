"""The care worker's day: only published weeks, check-in and check-out as attendances (method `app`)
that the weekly return counts exactly as ECM records, the location kept with whether it was within
150 m of home, "not at home" with a note, and what changed since they last looked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from rota.assignments import assignment_add
from rota.models import Attendance, Visit
from rota.myday import app_check_in, app_check_out, app_not_at_home, metres_between
from rota.plan_models import AppRecord
from rota.publishing import rota_publish
from tests.reporting.return_builders import t
from tests.rota.builders import RotaScenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(contract):
    return RotaScenario(contract)


@pytest.fixture
def round_(s):
    """Sam walks from Ann (53.80) to Bob (53.81, 17 minutes) on Tuesday 8 December 2026 in one shift."""
    team = s.team()
    ann = s.person(lat=53.80, lon=-1.55)
    ann.name = "Ann Smith"
    ann.save()
    bob = s.person(lat=53.81, lon=-1.55)
    for p in (ann, bob):
        s.package(p, start="2026-11-02")
    sam = s.carer(team, name="Sam", ref="W-SAM")
    kim = s.carer(team, name="Kim", ref="W-KIM")
    s.care_shift(sam, "2026-12-08 08:00", "2026-12-08 13:00")
    s.care_shift(kim, "2026-12-08 08:00", "2026-12-08 13:00")
    va = s.visit(ann, "2026-12-08 09:00", 30, status="scheduled")
    vb = s.visit(bob, "2026-12-08 10:00", 30, carers=2, status="scheduled")
    for v in (va, vb):
        v.team = team
        v.save()
    assignment_add(visit=va, worker=sam)
    assignment_add(visit=vb, worker=sam)
    assignment_add(visit=vb, worker=kim)
    return dict(team=team, ann=ann, bob=bob, sam=sam, kim=kim, va=va, vb=vb)


def test_the_return_counts_app_check_ins_as_it_counts_ecm(s, round_):
    sam, kim, va, vb = round_["sam"], round_["kim"], round_["va"], round_["vb"]
    rota_publish(team=round_["team"], week=va.planned_start.date())
    app_check_in(worker=sam, visit=va, now=t("2026-12-08 09:02"), lat=53.8003, lon=-1.55, accuracy=12)
    app_check_out(worker=sam, visit=va, now=t("2026-12-08 09:31"))
    app_check_in(worker=sam, visit=vb, now=t("2026-12-08 09:58"))
    app_check_out(worker=sam, visit=vb, now=t("2026-12-08 10:30"))
    app_check_in(worker=kim, visit=vb, now=t("2026-12-08 10:01"))
    app_check_out(worker=kim, visit=vb, now=t("2026-12-08 10:29"))
    a = Attendance.objects.get(visit=va, worker=sam)
    assert (a.method, a.check_in, a.check_out) == ("app", t("2026-12-08 09:02"), t("2026-12-08 09:31"))
    va.refresh_from_db()
    vb.refresh_from_db()
    assert (va.status, vb.status) == ("completed", "completed")
    figures = s.figures("2026-W50")
    assert figures["kpis"]["7"]["numerator"] == 2 and figures["kpis"]["7"]["denominator"] == 2
    m14 = figures["measures"]["14"]
    # Sam's one leg Ann -> Bob: 17 minutes; contact 29 + 32 + 28 = 89 minutes = 1.48 h.
    assert m14["travel_minutes"] == 17 and m14["staff_contact_hours"] == "1.48"


def test_the_location_is_kept_with_whether_it_was_near_home(s, round_):
    rota_publish(team=round_["team"], week=round_["va"].planned_start.date())
    # 0.0010 degree of latitude is 111 m: near; 0.0015 is 167 m: not.
    assert round(metres_between(53.80, -1.55, 53.801, -1.55)) == 111
    app_check_in(worker=round_["sam"], visit=round_["va"], now=t("2026-12-08 09:02"), lat="53.801", lon="-1.55")
    app_check_out(worker=round_["sam"], visit=round_["va"], now=t("2026-12-08 09:30"), lat="53.8015", lon="-1.55")
    app_check_in(worker=round_["sam"], visit=round_["vb"], now=t("2026-12-08 10:00"))  # no location given
    got = list(AppRecord.objects.order_by("at").values_list("kind", "within_150m", "lat"))
    assert got == [("check_in", True, 53.801), ("check_out", False, 53.8015), ("check_in", None, None)]


def test_check_in_and_out_are_refused_when_they_make_no_sense(s, round_):
    sam, va = round_["sam"], round_["va"]
    with pytest.raises(ValidationError, match="Check in first"):
        app_check_out(worker=sam, visit=va, now=t("2026-12-08 09:30"))
    with pytest.raises(ValidationError, match="Too early"):
        app_check_in(worker=sam, visit=va, now=t("2026-12-08 05:59"))
    app_check_in(worker=sam, visit=va, now=t("2026-12-08 09:00"))
    with pytest.raises(ValidationError, match="already checked in"):
        app_check_in(worker=sam, visit=va, now=t("2026-12-08 09:01"))


def test_not_at_home_is_recorded_with_its_note_and_not_counted(s, round_):
    va = round_["va"]
    with pytest.raises(ValidationError):
        app_not_at_home(worker=round_["sam"], visit=va, note="  ", now=t("2026-12-08 09:05"))
    app_not_at_home(worker=round_["sam"], visit=va, note="No answer; rang her daughter.", now=t("2026-12-08 09:05"))
    va.refresh_from_db()
    assert va.status == "not_at_home"
    assert AppRecord.objects.get(kind="not_at_home").note == "No answer; rang her daughter."
    # KPI 7 leaves not-at-home visits out: only Bob's visit is counted (not delivered).
    k7 = s.figures("2026-W50")["kpis"]["7"]
    assert (k7["numerator"], k7["denominator"]) == (0, 1)


# ---- the page, with the real clock
@pytest.fixture
def soon(s):
    """Sam with a visit starting in 30 minutes, and Kim on another of his team's visits."""
    team = s.team()
    ann = s.person(lat=53.80, lon=-1.55)
    s.package(ann, start="2026-01-05")
    sam = s.carer(team, name="Sam", ref="W-SAM")
    kim = s.carer(team, name="Kim", ref="W-KIM")
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=30)
    v = Visit.objects.create(
        provider=s.provider,
        ref="V-SOON",
        person=ann,
        team=team,
        planned_start=start,
        planned_end=start + timedelta(minutes=30),
    )
    other = Visit.objects.create(
        provider=s.provider, ref="V-KIM", person=ann, team=team, planned_start=start + timedelta(hours=2),
        planned_end=start + timedelta(hours=2, minutes=30),
    )  # fmt: skip
    s.plan(v, sam)
    s.plan(other, kim)
    user = s.user("care_worker", worker=sam, email="sam@p1.example")
    c = Client()
    c.force_login(user)
    return dict(team=team, sam=sam, v=v, other=other, c=c)


def test_a_care_worker_sees_only_a_published_week(s, soon):
    page = soon["c"].get("/rota/my/").content.decode()
    assert 'data-testid="not-published"' in page and 'data-visit="V-SOON"' not in page
    rota_publish(team=soon["team"], week=timezone.localdate(soon["v"].planned_start))
    page = soon["c"].get("/rota/my/").content.decode()
    assert 'data-visit="V-SOON"' in page and 'data-worker="W-SAM"' in page
    assert 'data-visit="V-KIM"' not in page  # Kim's visit is not Sam's


def test_check_in_and_out_from_the_page(s, soon):
    rota_publish(team=soon["team"], week=timezone.localdate(soon["v"].planned_start))
    c, v = soon["c"], soon["v"]
    assert c.post(f"/rota/my/visits/{v.pk}/check-in/", {"lat": "53.8001", "lon": "-1.55"}).status_code == 302
    a = Attendance.objects.get(visit=v)
    assert a.method == "app" and abs((timezone.now() - a.check_in).total_seconds()) < 60
    assert "Check out" in c.get("/rota/my/").content.decode()
    c.post(f"/rota/my/visits/{v.pk}/check-out/")
    a.refresh_from_db()
    v.refresh_from_db()
    assert a.check_out is not None and v.status == "completed"
    # Someone else's visit does not exist for Sam.
    assert c.post(f"/rota/my/visits/{soon['other'].pk}/check-in/").status_code == 404


def test_changes_since_they_last_looked(s, soon):
    rota_publish(team=soon["team"], week=timezone.localdate(soon["v"].planned_start))
    soon["c"].get("/rota/my/")  # Sam looks
    later = Visit.objects.create(
        provider=s.provider,
        ref="V-NEW",
        person=soon["v"].person,
        team=soon["team"],
        planned_start=soon["v"].planned_start + timedelta(hours=4),
        planned_end=soon["v"].planned_start + timedelta(hours=4, minutes=30),
    )
    assignment_add(visit=later, worker=soon["sam"])
    page = soon["c"].get("/rota/my/").content.decode()
    when = timezone.localtime(later.planned_start)
    assert 'data-testid="changes"' in page
    assert f"Visit added: {when:%a %-d %b %H:%M}, Person {later.person.ref}" in page
    assert 'data-testid="changes"' not in soon["c"].get("/rota/my/").content.decode()  # seen now
