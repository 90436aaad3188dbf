"""Measure 14's travel rule in Python matches its SQL (rota_leg_minutes) to the minute."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from rota.planner.travel import Measure14, leg_minutes


def test_legs_worked_out_by_hand():
    # 0.01 degrees of latitude is 6371 x 0.01 x pi / 180 = 1.11195 km; x 1.3 = 1.44553 km.
    # Walking at 5 km/h: 17.35 min -> 17; by car at 30 km/h: 2.89 -> 3. Twice as far on foot: 34.69 -> 35.
    assert leg_minutes(53.80, -1.60, 53.81, -1.60, "walk") == 17
    assert leg_minutes(53.80, -1.60, 53.81, -1.60, "car") == 3
    assert leg_minutes(53.80, -1.60, 53.82, -1.60, "walk") == 35
    assert leg_minutes(53.80, -1.60, 53.80, -1.60, "cycle") == 0


def test_matrices_are_per_mode_and_symmetric():
    rule = Measure14([(53.80, -1.60), (53.81, -1.60), (53.82, -1.60)])
    assert rule.matrix("walk").tolist() == [[0, 17, 35], [17, 0, 17], [35, 17, 0]]
    assert rule.matrix("public")[0, 2] == rule.matrix("cycle")[0, 2] == 12  # 2.89 km at 15 km/h: 11.56


@pytest.mark.django_db
def test_python_matches_the_sql_function_on_many_legs():
    rng = random.Random(14)
    homes = [(53.78 + rng.random() * 0.06, -1.68 + rng.random() * 0.1) for _ in range(40)]
    rule = Measure14(homes)
    legs = [(i, j, mode) for i in range(40) for j in range(40) for mode in ("walk", "cycle", "car")]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT rota_leg_minutes(a.lat1, a.lon1, a.lat2, a.lon2, a.mode) FROM unnest(%s::float8[], %s::float8[], "
            "%s::float8[], %s::float8[], %s::text[]) WITH ORDINALITY AS a(lat1, lon1, lat2, lon2, mode, n) ORDER BY n",
            [
                [homes[i][0] for i, _, _ in legs],
                [homes[i][1] for i, _, _ in legs],
                [homes[j][0] for _, j, _ in legs],
                [homes[j][1] for _, j, _ in legs],
                [m for _, _, m in legs],
            ],
        )
        sql = [row[0] for row in cur.fetchall()]
    assert [int(rule.matrix(m)[i, j]) for i, j, m in legs] == sql
