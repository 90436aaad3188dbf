"""The validator catches each kind of fault in a deliberately broken plan (one test per kind)."""

from __future__ import annotations

from rota.planner.problem import Part, Shift, Solution, Stop, Unassigned, Visit, Worker, visit
from rota.planner.validate import KINDS, validate
from tests.rota.planner.helpers import day

BROWN = visit("brown", 1, 540, 600, 30)  # place 1: Ann's home is 10 minutes away, Bob's 20
COLE = visit("cole", 2, 540, 600, 30)
DOUBLE = visit("dee", 1, 540, 600, 30, carers=2)


def kinds(problem, routes, unassigned=()):
    return sorted({f.kind for f in validate(problem, Solution(routes, list(unassigned)))})


def test_a_good_plan_has_no_fault():
    problem = day([BROWN, DOUBLE])
    routes = {"ann-am": [Stop("brown", 0, 540), Stop("dee", 0, 580)], "bob-am": [Stop("dee", 1, 580)]}
    assert kinds(problem, routes) == []


def test_unknown():
    assert kinds(day([BROWN]), {"nobody": [Stop("brown", 0, 540)]}) == ["missing", "unknown"]


def test_window():
    assert kinds(day([BROWN]), {"ann-am": [Stop("brown", 0, 601)]}) == ["window"]


def test_late_is_no_fault_where_the_visit_allows_it():
    late_ok = Visit("brown", 1, 540, 600, (Part(30),), late_allowed=True)
    assert kinds(day([late_ok]), {"ann-am": [Stop("brown", 0, 650)]}) == []


def test_shift():
    # Ann's shift starts at 08:00 (480) and Mrs Brown is 10 minutes away: a start at 08:05 is too early.
    problem = day([visit("brown", 1, 480, 600, 30)])
    assert kinds(problem, {"ann-am": [Stop("brown", 0, 485)]}) == ["shift"]
    # Back home after 13:00 (780): start 12:25 + 30 + 10 = 13:05.
    problem = day([visit("brown", 1, 480, 780, 30)])
    assert kinds(problem, {"ann-am": [Stop("brown", 0, 745)]}) == ["shift"]


def test_break():
    # A 08:00-13:00 shift with a 20-minute break and four 60-minute visits 5 minutes apart at place 1.
    shifts = [Shift("ann-am", "ann", 480, 780, home=0, unpaid_break=20)]
    visits = [visit(f"v{i}", 1, 490 + 65 * i, 490 + 65 * i, 60) for i in range(4)]
    routes = {"ann-am": [Stop(f"v{i}", 0, 490 + 65 * i) for i in range(4)]}
    # Gaps: 0 before the first, 5 between visits, 780 - (685 + 60 + 10) = 25 after the last: enough.
    assert kinds(day(visits, shifts=shifts), routes) == []
    shifts = [Shift("ann-am", "ann", 480, 760, home=0, unpaid_break=20)]  # now 5 after the last
    assert kinds(day(visits, shifts=shifts), routes) == ["break"]


def test_skill():
    problem = day([visit("cole", 2, 540, 600, 30, skills=frozenset({"meds"}))])
    assert kinds(problem, {"bob-am": [Stop("cole", 0, 540)]}) == ["skill"]


def test_overlap():
    # Brown 09:00-09:30 at place 1, then Cole at place 2 (10 minutes on): 09:35 is too soon.
    problem = day([BROWN, COLE])
    assert kinds(problem, {"ann-am": [Stop("brown", 0, 540), Stop("cole", 0, 575)]}) == ["overlap"]


def test_sync():
    problem = day([DOUBLE])
    assert kinds(problem, {"ann-am": [Stop("dee", 0, 550)], "bob-am": [Stop("dee", 1, 560)]}) == ["sync"]


def test_sync_with_a_time_gap():
    gap = Visit("dee", 1, 540, 600, (Part(30), Part(30)), gap=(30, 45))
    ok = {"ann-am": [Stop("dee", 0, 540)], "bob-am": [Stop("dee", 1, 575)]}
    assert kinds(day([gap]), ok) == []
    too_far = {"ann-am": [Stop("dee", 0, 540)], "bob-am": [Stop("dee", 1, 590)]}
    assert kinds(day([gap]), too_far) == ["sync"]


def test_same_worker():
    # Two shifts of Ann's cannot make up a double-up.
    shifts = [Shift("ann-am", "ann", 480, 780, home=0), Shift("ann-pm", "ann", 780, 1080, home=0)]
    gap = Visit("dee", 1, 540, 900, (Part(30), Part(30)), gap=(0, 400))
    routes = {"ann-am": [Stop("dee", 0, 540)], "ann-pm": [Stop("dee", 1, 800)]}
    assert kinds(day([gap], shifts=shifts, workers=[Worker("ann")]), routes) == ["same_worker"]


def test_duplicate():
    problem = day([BROWN])
    assert kinds(problem, {"ann-am": [Stop("brown", 0, 540)], "bob-am": [Stop("brown", 0, 550)]}) == ["duplicate"]
    assert kinds(problem, {"ann-am": [Stop("brown", 0, 540)]}, [Unassigned("brown", "x")]) == ["duplicate"]


def test_missing():
    assert kinds(day([BROWN]), {}) == ["missing"]
    assert kinds(day([DOUBLE]), {"ann-am": [Stop("dee", 0, 550)]}) == ["missing"]


def test_pinned():
    problem = day([visit("brown", 1, 540, 600, 30, pinned=("ann",))])
    assert kinds(problem, {"bob-am": [Stop("brown", 0, 540)]}) == ["pinned"]


def test_capacity():
    problem = day(
        [Visit("brown", 1, 540, 600, (Part(30),), demand=5)],
        shifts=[Shift("ann-am", "ann", 480, 780, home=0, capacity=4)],
    )
    assert kinds(problem, {"ann-am": [Stop("brown", 0, 540)]}) == ["capacity"]


def test_every_kind_has_a_test():
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert set(KINDS) <= tested


def test_shift_when_commuting():
    # A commuting shift's journey from home is before its start: 08:00 at Mrs Brown's is fine, 07:55 is not;
    # its last visit must end by 13:00, the journey home comes after.
    shifts = [Shift("ann-am", "ann", 480, 780, home=0, commute=True)]
    problem = day([visit("brown", 1, 470, 780, 30)], shifts=shifts)
    assert kinds(problem, {"ann-am": [Stop("brown", 0, 480)]}) == []
    assert kinds(problem, {"ann-am": [Stop("brown", 0, 750)]}) == []
    assert kinds(problem, {"ann-am": [Stop("brown", 0, 475)]}) == ["shift"]
    assert kinds(problem, {"ann-am": [Stop("brown", 0, 755)]}) == ["shift"]


def test_skill_is_no_fault_for_the_worker_pinned_on_the_part():
    # The coordinator planned Bob on Mr Cole's "meds" visit: kept as planned (the board warns), not a fault.
    pinned = visit("cole", 2, 540, 600, 30, skills=frozenset({"meds"}), pinned=("bob",))
    assert kinds(day([pinned]), {"bob-am": [Stop("cole", 0, 540)]}) == []
