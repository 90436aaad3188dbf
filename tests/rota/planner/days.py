"""The hand-built day of test_plan_from_db (its docstring works the plan out), for the board's,
the worker's and the browser's tests too."""

from __future__ import annotations

from rota.generate import rota_generate
from rota.models import Visit
from tests.reporting.return_builders import d, t


def a_day(s):
    team = s.team()
    people = {}
    for name, lat, start, minutes, carers, skills in (
        ("A", 53.80, "09:00", 30, 1, ()),
        ("B", 53.81, "10:00", 45, 1, ("hoist",)),
        ("C", 53.82, "11:00", 30, 2, ()),
        ("D", 53.80, "20:00", 30, 1, ()),
        ("E", 53.80, "12:30", 30, 1, ("peg",)),
    ):
        p = s.person(lat=lat, lon=-1.55)
        package = s.package(p, start="2026-11-02")
        s.slot(package, days=(2,), start=start, minutes=minutes, carers_required=carers, skills=list(skills),
               team=team, ref=f"{name}-AM")  # fmt: skip
        people[name] = p
    rota_generate(provider=s.provider, week=d("2026-12-07"), now=t("2026-12-04 12:00"))
    sam = s.carer(team, name="Sam", ref="W-SAM", skills=["hoist"])
    kim = s.carer(team, name="Kim", ref="W-KIM")
    for w in (sam, kim):
        w.home_lat, w.home_lon = 53.80, -1.55
        w.save()
        s.care_shift(w, "2026-12-08 08:00", "2026-12-08 14:00")
    for n in range(4):  # Ann has seen Sam four times in the last four weeks
        s.visit(people["A"], f"2026-11-{20 + n} 09:00", attend=[(sam, f"2026-11-{20 + n} 09:00", None)])
    v = {r: Visit.objects.get(ref=f"{r}-AM-20261208") for r in "ABCDE"}
    return dict(team=team, sam=sam, kim=kim, v=v, people=people)
