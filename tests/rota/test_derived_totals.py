"""Totals the database keeps per shift (measure 14: travel within shifts) and per visit (KPI 7 and
measure 6: carers who checked in and out, the longest attendance), read by the weekly return. Whatever
changes after a return was first computed - a late or corrected ECM record, a
shift moved or deleted, a visit given to someone else, a person moving home, a worker taking the car -
the next computation of the return must show it, as if it were computed from the raw records.

Distances by hand: homes on one meridian, 0.01 degree of latitude = 6371 km x 0.01 x pi/180
= 1.111949 km; x 1.3 = 1.445534 km; walking at 5 km/h = 17.35 min -> 17; 0.02 degree = 2.891068 km
-> 34.69 min -> 35; by car (30 km/h) 1.445534 km = 2.89 min -> 3, 2.891068 km = 5.78 min -> 6."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from outcomes.models import Person
from rota.models import Attendance, Shift, ShiftTotals, Visit, VisitTotals
from tests.reporting.return_builders import Scenario, t

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(contract):
    return Scenario(contract)


@pytest.fixture
def day(s):
    """One walker, one shift 08:00-12:00 on Mon 8 Sep 2025, three visits in it: a -> b -> c."""
    a, b, c = (s.person(lat=lat, lon=-1.55) for lat in (53.80, 53.81, 53.79))
    for p in (a, b, c):
        s.package(p)
    walker = s.worker(mode="walk")
    shift = s.shift(walker, "2025-09-08 08:00", "2025-09-08 12:00")
    va = s.visit(a, "2025-09-08 09:00", attend=[(walker, "2025-09-08 09:00", "2025-09-08 09:30")])
    vb = s.visit(b, "2025-09-08 10:00", attend=[(walker, "2025-09-08 10:00", "2025-09-08 10:30")])
    vc = s.visit(c, "2025-09-08 11:00", attend=[(walker, "2025-09-08 11:00", "2025-09-08 11:45")])
    return dict(a=a, b=b, c=c, walker=walker, shift=shift, va=va, vb=vb, vc=vc)


def travel(s) -> tuple[str | None, str | None]:
    m14 = s.figures("2025-W37")["measures"]["14"]
    return m14["travel_hours"], m14["travel_minutes_per_care_hour"]


def test_totals_follow_the_visits_as_they_are_recorded(s, day):
    f = ShiftTotals.objects.get(shift=day["shift"])
    # a -> b 17 min, b -> c 35 min; contact 30 + 30 + 45 = 105 min.
    assert (f.attendances, f.travel_minutes, f.contact) == (3, 52, timedelta(minutes=105))
    # 52 min = 0.87 h; 52 / 1.75 h = 29.71 per care hour.
    assert travel(s) == ("0.87", "29.7")


def test_a_late_ecm_correction_moves_an_attendance_out_of_the_shift(s, day):
    assert travel(s) == ("0.87", "29.7")
    # The ECM system corrects c's visit: it really happened after the shift ended.
    Attendance.objects.filter(visit=day["vc"]).update(check_in=t("2025-09-08 12:30"), check_out=t("2025-09-08 13:00"))
    # Left: a -> b 17 min over 60 min of contact = 0.28 h, 17 per care hour.
    assert travel(s) == ("0.28", "17.0")


def test_a_late_attendance_arriving_after_the_return_counts_next_time(s, day):
    assert travel(s) == ("0.87", "29.7")
    late = s.visit(day["a"], "2025-09-08 11:50")  # c -> a at 11:50: 0.01 degree, 17 min
    Attendance.objects.create(
        provider=s.provider,
        visit=late,
        worker=day["walker"],
        check_in=t("2025-09-08 11:50"),
        check_out=t("2025-09-08 11:58"),
    )
    # 52 + 17 = 69 min = 1.15 h over 113 min of contact: 69 / 1.8833 = 36.64.
    assert travel(s) == ("1.15", "36.6")


def test_deleting_an_attendance_takes_its_legs_away(s, day):
    Attendance.objects.filter(visit=day["vb"]).delete()
    # a -> c directly: 0.01 degree, 17 min; contact 30 + 45 = 75 min: 17 / 1.25 = 13.6.
    assert travel(s) == ("0.28", "13.6")


def test_a_shortened_or_deleted_shift(s, day):
    Shift.objects.filter(pk=day["shift"].pk).update(end=t("2025-09-08 10:15"))
    # Only a and b are inside 08:00-10:15: 17 min over 60 min.
    assert travel(s) == ("0.28", "17.0")
    Shift.objects.filter(pk=day["shift"].pk).delete()
    assert not ShiftTotals.objects.filter(shift_id=day["shift"].pk).exists()
    assert travel(s) == (None, None)


def test_a_shift_given_to_another_worker(s, day):
    driver = s.worker(mode="car")
    Shift.objects.filter(pk=day["shift"].pk).update(worker=driver)
    # The driver has no attendances in 08:00-12:00 (the shift keeps no totals); the walker's are now
    # in no shift.
    assert not ShiftTotals.objects.filter(shift=day["shift"]).exists()
    assert travel(s) == (None, None)


def test_a_visit_given_to_another_person(s, day):
    # b's visit was really at a's home: a -> a 0 min, a -> c 17 min.
    Visit.objects.filter(pk=day["vb"].pk).update(person=day["a"])
    assert ShiftTotals.objects.get(shift=day["shift"]).travel_minutes == 17


def test_a_person_who_moves_home(s, day):
    # b moves to 53.82: a -> b 0.02 degree 35 min, b -> c 0.03 degree = 3.336 km x 1.3 = 4.3366 km
    # at 5 km/h = 52.04 min -> 52. Total 87 min.
    Person.objects.filter(pk=day["b"].pk).update(home_lat=53.82)
    assert ShiftTotals.objects.get(shift=day["shift"]).travel_minutes == 87
    # An unknown home: no leg to or from it can be measured.
    Person.objects.filter(pk=day["b"].pk).update(home_lat=None)
    assert ShiftTotals.objects.get(shift=day["shift"]).travel_minutes == 0


def test_a_worker_who_takes_the_car(s, day):
    w = day["walker"]
    w.travel_mode = "car"
    w.save()
    # a -> b 3 min, b -> c 6 min.
    assert ShiftTotals.objects.get(shift=day["shift"]).travel_minutes == 9


def test_a_shift_recorded_after_its_visits(s):
    a, b = s.person(lat=53.80, lon=-1.55), s.person(lat=53.81, lon=-1.55)
    w = s.worker()
    s.visit(a, "2025-09-09 09:00", attend=[(w, "2025-09-09 09:00", "2025-09-09 09:30")])
    s.visit(b, "2025-09-09 10:00", attend=[(w, "2025-09-09 10:00", "2025-09-09 10:30")])
    assert travel(s) == (None, None)  # no shift yet: the visits are in no shift
    shift = s.shift(w, "2025-09-09 08:00", "2025-09-09 12:00")
    assert ShiftTotals.objects.get(shift=shift).travel_minutes == 17


def test_one_statement_writing_many_rows_keeps_every_shift_right(s, day):
    """Bulk writes (the bundle import, an ECM batch) fire the trigger once per statement."""
    w2 = s.worker(mode="walk")
    s2 = s.shift(w2, "2025-09-08 08:00", "2025-09-08 12:00")
    with connection.cursor() as cur:
        # w2 repeats the walker's round in one statement; the walker's check-ins all move 5 minutes.
        cur.execute(
            """
            INSERT INTO rota_attendance (provider_id, visit_id, worker_id, check_in, check_out, method)
            SELECT provider_id, visit_id, %s, check_in, check_out, method FROM rota_attendance WHERE worker_id = %s
            """,
            [w2.pk, day["walker"].pk],
        )
        cur.execute(
            "UPDATE rota_attendance SET check_in = check_in + interval '5 minutes' WHERE worker_id = %s",
            [day["walker"].pk],
        )
    assert ShiftTotals.objects.get(shift=s2).travel_minutes == 52
    f = ShiftTotals.objects.get(shift=day["shift"])
    assert (f.travel_minutes, f.contact) == (52, timedelta(minutes=105 - 15))


# --- Visits: KPI 7 (visits delivered) reads each visit's attendances summed up by the database ----


def kpi7(s, week="2025-W37") -> tuple[int, int]:
    k = s.figures(week)["kpis"]["7"]
    return k["numerator"], k["denominator"]


def test_a_two_carer_visit_is_delivered_when_the_second_carer_checks_out(s):
    p = s.person()
    s.package(p)
    w1, w2 = s.worker(), s.worker()
    v = s.visit(p, "2025-09-09 09:00", carers=2, attend=[(w1, "2025-09-09 09:00", "2025-09-09 09:45")])
    assert kpi7(s) == (0, 1)
    # The second carer's record arrives late, first without a check-out...
    a = Attendance.objects.create(provider=s.provider, visit=v, worker=w2, check_in=t("2025-09-09 09:02"))
    assert kpi7(s) == (0, 1)
    # ... then corrected with one.
    Attendance.objects.filter(pk=a.pk).update(check_out=t("2025-09-09 09:40"))
    assert kpi7(s) == (1, 1)
    # An ECM record deleted as a duplicate takes the delivery away again.
    Attendance.objects.filter(pk=a.pk).delete()
    assert kpi7(s) == (0, 1)
    assert VisitTotals.objects.get(visit=v).carers_done == 1


def test_a_visit_moved_to_another_week_takes_its_delivery_with_it(s):
    p = s.person()
    s.package(p)
    w = s.worker()
    v = s.visit(p, "2025-09-09 09:00", attend=[(w, "2025-09-09 09:00", "2025-09-09 09:30")])
    assert (kpi7(s, "2025-W37"), kpi7(s, "2025-W38")) == ((1, 1), (0, 0))
    Visit.objects.filter(pk=v.pk).update(planned_start=t("2025-09-16 09:00"), planned_end=t("2025-09-16 09:30"))
    assert (kpi7(s, "2025-W37"), kpi7(s, "2025-W38")) == ((0, 0), (1, 1))


def test_outside_home_hours_follow_the_longest_attendance(s):
    p = s.person()
    s.package(p)
    w1, w2 = s.worker(), s.worker()
    v = s.visit(
        p,
        "2025-09-10 10:00",
        outside=True,
        attend=[(w1, "2025-09-10 10:00", "2025-09-10 11:00"), (w2, "2025-09-10 10:00", "2025-09-10 11:30")],
    )
    # Measure 6: the longest attendance, 90 min = 1.50 h.
    assert s.figures("2025-W37")["measures"]["6"]["hours_outside_home"] == "1.50"
    Attendance.objects.filter(visit=v, worker=w2).update(check_out=t("2025-09-10 10:45"))
    assert s.figures("2025-W37")["measures"]["6"]["hours_outside_home"] == "1.00"


# --- Two writers at once ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_carers_phones_syncing_at_once_both_count(contract):
    """Each carer's phone sends its record in its own transaction. The second must not compute the
    visit's and the shift's totals without the first one's record, whichever commits first."""
    import threading

    from django.db import connections, transaction

    s = Scenario(contract)
    p = s.person(lat=53.80, lon=-1.55)
    s.package(p)
    w1, w2 = s.worker(), s.worker()
    shift = s.shift(w2, "2025-09-09 08:00", "2025-09-09 12:00")
    v = s.visit(p, "2025-09-09 09:00", carers=2)
    first_written, release_first = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def phone(worker, wait_for=None, then_set=None, hold=None):
        try:
            if wait_for:
                wait_for.wait(5)
            with transaction.atomic():
                Attendance.objects.create(
                    provider=s.provider,
                    visit=v,
                    worker=worker,
                    check_in=t("2025-09-09 09:00"),
                    check_out=t("2025-09-09 09:40"),
                )
                if then_set:
                    then_set.set()
                if hold:
                    hold.wait(5)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            connections.close_all()

    a = threading.Thread(target=phone, args=(w1,), kwargs={"then_set": first_written, "hold": release_first})
    b = threading.Thread(target=phone, args=(w2,), kwargs={"wait_for": first_written})
    a.start()
    b.start()
    b.join(0.5)  # the second writer is now waiting for the first one's totals
    release_first.set()
    a.join(10)
    b.join(10)
    assert not errors
    assert VisitTotals.objects.get(visit=v).carers_done == 2
    assert ShiftTotals.objects.get(shift=shift).attendances == 1
    assert kpi7(s) == (1, 1)


def test_nobody_edits_derived_totals_in_the_admin(admin_client, s, day):
    """The triggers are the only writers: even a superuser can only look."""
    f = ShiftTotals.objects.get(shift=day["shift"])
    assert admin_client.get("/admin/rota/shifttotals/").status_code == 200
    assert admin_client.get("/admin/rota/shifttotals/add/").status_code == 403
    assert admin_client.post(f"/admin/rota/shifttotals/{f.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin_client.get("/admin/rota/visittotals/add/").status_code == 403
    assert ShiftTotals.objects.filter(pk=f.pk).exists()
