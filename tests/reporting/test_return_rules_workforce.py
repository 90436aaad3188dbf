"""Measures 14-17 over the 4-week window built by hand. The window ending W37 runs from Mon 18 Aug
to Sun 14 Sep 2025 (28 days)."""

from __future__ import annotations

import pytest

from tests.reporting.return_builders import Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(contract):
    return Scenario(contract)


def test_travel_between_consecutive_visits_inside_a_shift(s):
    # Homes on one meridian: 0.01 degree of latitude is 6371 km x 0.01 x pi/180 = 1.111949 km.
    a = s.person(lat=53.80, lon=-1.55)
    b = s.person(lat=53.81, lon=-1.55)
    c = s.person(lat=53.79, lon=-1.55)
    for p in (a, b, c):
        s.package(p)
    walker, driver = s.worker(mode="walk"), s.worker(mode="car")

    def go(worker, person, start, end):
        s.visit(person, start, attend=[(worker, start, end)])

    s.shift(walker, "2025-09-08 08:00", "2025-09-08 14:00")
    go(walker, a, "2025-09-08 09:00", "2025-09-08 09:30")
    # a -> b: 1.111949 x 1.3 = 1.445534 km at 5 km/h = 17.35 min -> 17
    go(walker, b, "2025-09-08 10:00", "2025-09-08 10:30")
    # b -> c: 0.02 degree = 2.223898 x 1.3 = 2.891068 km at 5 km/h = 34.69 min -> 35
    go(walker, c, "2025-09-08 11:00", "2025-09-08 11:45")
    go(walker, a, "2025-09-08 15:00", "2025-09-08 15:30")  # after the shift: in no shift, not counted
    s.shift(walker, "2025-09-09 08:00", "2025-09-09 12:00")
    go(walker, b, "2025-09-09 09:00", "2025-09-09 09:20")  # first of a new shift: no leg from yesterday
    go(walker, a, "2025-09-09 10:00", "2025-09-09 10:20")  # b -> a: 17
    s.shift(driver, "2025-09-10 08:00", "2025-09-10 12:00")
    go(driver, a, "2025-09-10 09:00", "2025-09-10 09:30")
    go(driver, c, "2025-09-10 10:00", "2025-09-10 10:30")  # a -> c by car: 1.445534 km at 30 km/h = 2.89 -> 3
    # A shift that starts before the window (Sun 17 Aug) is not counted.
    s.shift(driver, "2025-08-17 20:00", "2025-08-17 23:00")
    go(driver, a, "2025-08-17 20:30", "2025-08-17 21:00")
    go(driver, b, "2025-08-17 22:00", "2025-08-17 22:30")

    m14 = s.figures("2025-W37")["measures"]["14"]
    # Travel 17 + 35 + 17 + 3 = 72 min = 1.20 h; contact 30+30+45 + 20+20 + 30+30 = 205 min = 3.4167 h;
    # 72 / 3.4167 = 21.07 minutes per care hour.
    assert m14["travel_hours"] == "1.20"
    assert m14["travel_minutes_per_care_hour"] == "21.1"


def test_no_visits_in_shifts_means_travel_is_unknown(s):
    m14 = s.figures("2025-W37")["measures"]["14"]
    assert (m14["travel_hours"], m14["travel_minutes_per_care_hour"]) == (None, None)


def test_sickness_and_turnover_over_the_window(s):
    w1 = s.worker(started="2024-01-01")  # employed all 28 days
    w2 = s.worker(started="2025-09-01")  # 1-14 Sep: 14 days
    w3 = s.worker(started="2023-01-01", left="2025-08-31")  # 18-31 Aug: 14 days; a leaver in the window
    s.worker(started="2023-01-01", left="2025-01-10")  # left within 52 weeks, before the window
    s.worker(started="2022-01-01", left="2024-09-01")  # left more than 52 weeks ago
    s.absence(w1, "2025-08-15", "2025-08-20")  # 18, 19, 20 Aug in the window: 3 days
    s.absence(w1, "2025-08-20", "2025-08-21")  # overlaps: only 21 Aug is new: 1 day
    s.absence(w1, "2025-09-01", "2025-09-05", kind="holiday")  # not sickness
    s.absence(w2, "2025-09-12", "2025-09-20")  # 12, 13, 14 Sep: 3 days
    s.absence(w3, "2025-07-01", "2025-07-05")  # before the window
    m = s.figures("2025-W37")["measures"]
    # 7 sick days / (28 + 14 + 14) employed days = 12.5 %
    assert (m["16"]["sickness_days"], m["16"]["sickness_percent"]) == (7, "12.5")
    # Leavers in the window: w3. Headcount on 18 Aug: w1, w3; on 14 Sep: w1, w2 -> average 2.0 -> 50 %.
    # Rolling: 2 leavers in the 52 weeks from 16 Sep 2024 / 2 in post on 14 Sep = 100 %.
    assert m["17"]["leavers"] == 1
    assert m["17"]["average_headcount"] == "2.0"
    assert m["17"]["turnover_percent"] == "50.0"
    assert m["17"]["rolling_12_month_percent"] == "100.0"


def test_a_provider_without_staff_has_no_workforce_figures(s):
    m = s.figures("2025-W37")["measures"]
    assert (m["16"]["sickness_days"], m["16"]["sickness_percent"]) == (None, None)
    assert (m["17"]["average_headcount"], m["17"]["turnover_percent"], m["17"]["rolling_12_month_percent"]) == (
        None,
        None,
        None,
    )
