"""Every refusal and warning of a planned assignment, built by hand.

The day is Tuesday 8 December 2026. Homes lie on one meridian: 0.01 degree of latitude is
6371 km x 0.01 x pi/180 = 1.111949 km, x 1.3 = 1.445534 km: 17.35 minutes on foot -> 17; 0.02 degree
-> 34.69 -> 35 minutes on foot, 5.78 -> 6 by car (measure 14's rule, whole minutes rounded half up)."""

from __future__ import annotations

from datetime import time

import pytest

from rota.assignments import Refused, assignment_add, assignment_remove, visit_reschedule
from rota.checks import leg_minutes
from rota.generate import rota_generate
from rota.models import Visit
from tests.reporting.return_builders import t
from tests.rota.builders import RotaScenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(contract):
    return RotaScenario(contract)


@pytest.fixture
def day(s):
    team = s.team()
    a, b, c = (s.person(lat=lat, lon=-1.55) for lat in (53.80, 53.81, 53.82))
    for p in (a, b, c):
        s.package(p, start="2026-11-02")
    sam = s.carer(team, name="Sam", skills=["medication"])
    s.care_shift(sam, "2026-12-08 07:00", "2026-12-08 13:00")
    return dict(team=team, a=a, b=b, c=c, sam=sam)


def slot_visit(s, person, start="09:00", minutes=30, **kw) -> Visit:
    """A visit made from a care plan slot (so it has a window and skills) on Tuesday 8 December."""
    package = person.packages.first()
    slot = s.slot(package, days=(2,), start=start, minutes=minutes, valid_from="2026-12-08", **kw)
    rota_generate(
        provider=s.provider, week=t("2026-12-07 00:00").date(), now=t("2026-12-04 12:00"), packages=[package.pk]
    )
    return Visit.objects.get(slot=slot)


def codes(outcome) -> set[str]:
    return {f.code for f in outcome.warnings}


def refused(visit, worker) -> list[tuple[str, str]]:
    with pytest.raises(Refused) as exc:
        assignment_add(visit=visit, worker=worker)
    return [(e["path"], e["message"]) for e in exc.value.errors()]


def test_leg_minutes_follow_measure_14():
    assert leg_minutes(53.80, -1.55, 53.81, -1.55, "walk") == 17
    assert leg_minutes(53.80, -1.55, 53.82, -1.55, "walk") == 35
    assert leg_minutes(53.80, -1.55, 53.82, -1.55, "car") == 6
    assert leg_minutes(None, -1.55, 53.82, -1.55, "car") is None


def test_a_clean_assignment_has_only_the_first_meeting_note(s, day):
    v = slot_visit(s, day["a"])
    out = assignment_add(visit=v, worker=day["sam"])
    assert [(f.code, f.kind) for f in out.warnings] == [("new_to_person", "info")]
    assert out.warnings[0].message == f"person {day['a'].ref} has not met Sam in the last 12 weeks."


# ---- refusals
def test_an_overlapping_visit_is_refused(s, day):
    first = slot_visit(s, day["a"], "09:00")
    assignment_add(visit=first, worker=day["sam"])
    second = slot_visit(s, day["b"], "09:15")
    assert refused(second, day["sam"]) == [
        ("worker", f"Sam already has a visit then: 09:00-09:30 with person {day['a'].ref}.")
    ]
    # Back to back is not an overlap.
    assert assignment_add(visit=slot_visit(s, day["c"], "09:30"), worker=day["sam"])


def test_absent_that_day_is_refused(s, day):
    s.absence(day["sam"], "2026-12-07", "2026-12-08", kind="holiday")
    assert refused(slot_visit(s, day["a"]), day["sam"]) == [("worker", "Sam is absent on Tuesday 8 December.")]


def test_not_started_or_left_is_refused(s, day):
    newcomer = s.carer(day["team"], name="Nia", started="2026-12-09")
    leaver = s.carer(day["team"], name="Lee", left="2026-12-07")
    last_day = s.carer(day["team"], name="Lou", left="2026-12-08")
    v = slot_visit(s, day["a"])
    assert refused(v, newcomer) == [("worker", "Nia starts on 9 December 2026.")]
    assert refused(v, leaver) == [("worker", "Lee left on 7 December 2026.")]
    assert assignment_add(visit=v, worker=last_day)  # their last day: still employed


def test_a_visit_with_its_carers_is_refused(s, day):
    v = slot_visit(s, day["a"])
    other = s.carer(day["team"], name="Ola")
    assignment_add(visit=v, worker=other)
    assert refused(v, day["sam"]) == [("visit", "This visit already has its 1 carer.")]
    assert refused(v, other)[0] == ("worker", "Ola is already planned for this visit.")


def test_a_hospital_visit_is_not_offered(s, day):
    s.stay(day["a"], "2026-12-07 10:00")
    v = slot_visit(s, day["a"])
    assert v.status == "hospital"
    assert refused(v, day["sam"]) == [("visit", "The person is in hospital at this time: the visit is not offered.")]


# ---- warnings
def test_outside_the_care_shifts(s, day):
    out = assignment_add(visit=slot_visit(s, day["a"], "13:00"), worker=day["sam"])
    assert "outside_shift" in codes(out)
    assert "outside_shift" not in codes(assignment_add(visit=slot_visit(s, day["b"], "12:30"), worker=day["sam"]))


def test_a_training_shift_is_not_a_care_shift(s, day):
    kim = s.carer(day["team"], name="Kim")
    s.care_shift(kim, "2026-12-08 08:00", "2026-12-08 12:00", kind="training")
    assert "outside_shift" in codes(assignment_add(visit=slot_visit(s, day["a"]), worker=kim))


def test_a_required_skill_missing(s, day):
    out = assignment_add(visit=slot_visit(s, day["a"], skills=["hoist", "medication"]), worker=day["sam"])
    assert [f.message for f in out.warnings if f.code == "skill_missing"] == ["Needs hoist: Sam does not have it."]
    assert "skill_missing" not in codes(
        assignment_add(visit=slot_visit(s, day["b"], "11:00", skills=["medication"]), worker=day["sam"])
    )


def test_travel_from_the_previous_visit_must_fit_before_the_latest_start(s, day):
    assignment_add(visit=slot_visit(s, day["a"], "09:00"), worker=day["sam"])
    # c is 35 minutes' walk from a: 09:30 + 35 = 10:05, after c's latest start 10:00 (09:30 +/- 30).
    out = assignment_add(visit=slot_visit(s, day["c"], "09:30"), worker=day["sam"])
    assert [f.message for f in out.warnings if f.code == "travel"] == [
        f"35 min walk from person {day['a'].ref} (ends 09:30) does not fit before the latest start 10:00."
    ]


def test_travel_fits_by_car_and_within_the_window_on_foot(s, day):
    driver = s.carer(day["team"], name="Dee", mode="car")
    s.care_shift(driver, "2026-12-08 07:00", "2026-12-08 13:00")
    assignment_add(visit=slot_visit(s, day["a"], "09:00"), worker=driver)
    assert "travel" not in codes(assignment_add(visit=slot_visit(s, day["c"], "09:30"), worker=driver))
    # On foot, b is 17 minutes from a: 09:30 + 17 = 09:47, before a 09:35 visit's latest start 10:05.
    assignment_add(visit=slot_visit(s, day["a"], "11:00"), worker=day["sam"])
    assert "travel" not in codes(assignment_add(visit=slot_visit(s, day["b"], "11:35"), worker=day["sam"]))


def test_travel_to_the_next_visit_is_shown_too(s, day):
    # Planned in reverse order: c at 09:30 first, then a at 09:00 before it.
    assignment_add(visit=slot_visit(s, day["c"], "09:30", time_critical=True), worker=day["sam"])
    out = assignment_add(visit=slot_visit(s, day["a"], "09:00"), worker=day["sam"])
    # 09:30 + 35 = 10:05 after c's latest start 09:45 (time-critical: 15 minutes).
    assert [f.message for f in out.warnings if f.code == "travel_next"] == [
        f"35 min walk to the next visit (person {day['c'].ref}) does not fit before its latest start 09:45."
    ]


def test_a_start_outside_the_slots_window(s, day):
    v = slot_visit(s, day["a"], "09:00")
    visit_reschedule(visit=v, start=t("2026-12-08 09:40"), minutes=30)
    out = assignment_add(visit=v, worker=day["sam"])
    assert [f.message for f in out.warnings if f.code == "outside_window"] == [
        "Starts at 09:40, outside the care plan's window 08:30-09:30."
    ]


def test_a_skill_given_as_a_code_is_told_in_words(s, day):
    # Bundles often carry skills as codes (the worked example's "personal_care").
    out = assignment_add(visit=slot_visit(s, day["a"], skills=["moving_and_handling"]), worker=day["sam"])
    assert [f.message for f in out.warnings if f.code == "skill_missing"] == [
        "Needs moving and handling: Sam does not have it."
    ]


def test_a_long_shift_needs_a_twenty_minute_unpaid_break(s, day):
    long_no_break, long_short_break, long_break = (s.carer(day["team"]) for _ in range(3))
    for w, brk in ((long_no_break, 0), (long_short_break, 15), (long_break, 20)):
        s.care_shift(w, "2026-12-08 07:00", "2026-12-08 13:01", brk=brk)  # 6 hours and a minute
    v1, v2, v3 = (slot_visit(s, p, "09:00") for p in (day["a"], day["b"], day["c"]))
    assert "no_break" in codes(assignment_add(visit=v1, worker=long_no_break))
    assert "no_break" in codes(assignment_add(visit=v2, worker=long_short_break))
    assert "no_break" not in codes(assignment_add(visit=v3, worker=long_break))
    # Exactly six hours (Sam's 07:00-13:00) is not over six hours.
    assert "no_break" not in codes(assignment_add(visit=slot_visit(s, day["a"], "11:00"), worker=day["sam"]))


def test_a_week_over_48_hours(s, day):
    busy = s.carer(day["team"], name="Bo")
    # Monday to Saturday 07:00-15:00 with a 0-minute break: 6 x 8 = 48 hours exactly.
    for dom in range(7, 13):
        s.care_shift(busy, f"2026-12-{dom:02d} 07:00", f"2026-12-{dom:02d} 15:00")
    assert "week_over_48" not in codes(assignment_add(visit=slot_visit(s, day["a"], "09:00"), worker=busy))
    # A 30-minute visit outside the shifts makes 48.5 hours.
    out = assignment_add(visit=slot_visit(s, day["b"], "16:00"), worker=busy)
    assert [f.message for f in out.warnings if f.code == "week_over_48"] == ["Bo's week would be 48.5 hours (over 48)."]


def test_a_week_over_contracted_hours_plus_a_fifth(s, day):
    part = s.carer(day["team"], name="Pat", hours="20")
    # 20 contracted + 20% = 24 hours: three 8-hour shifts are 24, a 30-minute visit outside them 24.5.
    for dom in (7, 8, 9):
        s.care_shift(part, f"2026-12-{dom:02d} 07:00", f"2026-12-{dom:02d} 15:00")
    assert "week_over_contract" not in codes(assignment_add(visit=slot_visit(s, day["a"], "09:00"), worker=part))
    out = assignment_add(visit=slot_visit(s, day["b"], "16:00"), worker=part)
    assert [f.message for f in out.warnings if f.code == "week_over_contract"] == [
        "Pat's week would be 24.5 hours: over contracted 20 + 20%."
    ]


def test_a_two_carer_visit_with_one_carer(s, day):
    v = slot_visit(s, day["a"], carers_required=2)
    first = assignment_add(visit=v, worker=day["sam"])
    assert "one_of_two" in codes(first)
    second = assignment_add(visit=v, worker=s.carer(day["team"]))
    assert "one_of_two" not in codes(second)


def test_a_care_worker_the_person_has_not_met_in_twelve_weeks(s, day):
    old_friend, recent = s.carer(day["team"]), s.carer(day["team"])
    # 13 weeks before (8 Sep) is too long ago; 11 weeks before (22 Sep) counts.
    s.visit(day["a"], "2026-09-08 09:00", attend=[(old_friend, "2026-09-08 09:00", "2026-09-08 09:30")])
    s.visit(day["a"], "2026-09-22 09:00", attend=[(recent, "2026-09-22 09:00", "2026-09-22 09:30")])
    assert "new_to_person" in codes(assignment_add(visit=slot_visit(s, day["a"], "09:00"), worker=old_friend))
    assert "new_to_person" not in codes(assignment_add(visit=slot_visit(s, day["a"], "11:00"), worker=recent))


def test_a_move_between_workers_is_refused_whole(s, day):
    v = slot_visit(s, day["a"], "09:00")
    first = assignment_add(visit=v, worker=day["sam"]).assignment
    away = s.carer(day["team"], name="Ada")
    s.absence(away, "2026-12-08", "2026-12-08")
    with pytest.raises(Refused):
        assignment_add(visit=v, worker=away, replacing=first)
    assert list(v.assignments.values_list("worker", flat=True)) == [day["sam"].pk]  # Sam is still on it
    moved = assignment_add(visit=v, worker=s.carer(day["team"], name="Ida"), replacing=first)
    assert list(v.assignments.values_list("worker__name", flat=True)) == ["Ida"] and moved.assignment.pk != first.pk
    assignment_remove(assignment=moved.assignment)
    assert not v.assignments.exists()


def test_moving_a_visit_onto_a_planned_workers_other_visit_is_refused(s, day):
    from django.core.exceptions import ValidationError

    v1 = slot_visit(s, day["a"], "09:00")
    v2 = slot_visit(s, day["b"], "10:00")
    assignment_add(visit=v1, worker=day["sam"])
    assignment_add(visit=v2, worker=day["sam"])
    with pytest.raises(ValidationError) as exc:
        visit_reschedule(visit=v2, start=t("2026-12-08 09:15"), minutes=30)
    assert "Sam already has a visit then: 09:00-09:30" in str(exc.value)
    v2.refresh_from_db()
    assert (v2.planned_start, v2.hand_edited) == (t("2026-12-08 10:00"), False)
    assert time(10) == v2.slot.start


def test_the_visits_must_leave_room_for_the_shifts_unpaid_break(s, day):
    # Lee works 08:00-12:00 with a 30-minute unpaid break, planned on A's 09:00 and C's 11:00 (30 minutes
    # each). Adding B's 10:00 (30 minutes, 17 minutes' walk from each) leaves idle 60 minutes before the
    # first visit, 30 - 17 = 13 and 13 between, 30 after: room. With the shift from 08:45 and one more visit
    # at A's at 11:45 (10 minutes, 35 minutes' walk from C): 15, 13, 13, 15 - 35 = -20 and 5: no room.
    lee = s.carer(day["team"], name="Lee")
    lee.home_lat, lee.home_lon = 53.80, -1.55
    lee.save()
    shift = s.care_shift(lee, "2026-12-08 08:00", "2026-12-08 12:00", brk=30)
    a, b, c = slot_visit(s, day["a"], "09:00"), slot_visit(s, day["b"], "10:00"), slot_visit(s, day["c"], "11:00")
    s.plan(a, lee)
    s.plan(c, lee)
    assert "break_no_room" not in codes(assignment_add(visit=b, worker=lee))
    shift.start = t("2026-12-08 08:45")
    shift.save()
    out = assignment_add(visit=slot_visit(s, day["a"], "11:45", minutes=10), worker=lee)
    assert [f.message for f in out.warnings if f.code == "break_no_room"] == [
        "The visits leave no 30-minute gap for the unpaid break of the shift 08:45-12:00 (the longest is 15 minutes)."
    ]
