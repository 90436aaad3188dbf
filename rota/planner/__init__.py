"""The rota planner engine: plain Python, no Django, so it is tested without a database (docs/planner.md).

The board builds a Problem, calls solve() and gets a Solution that validate() has already passed."""

from rota.planner.problem import (
    Assignment,
    Part,
    Problem,
    Settings,
    Shift,
    Solution,
    Stop,
    Unassigned,
    Visit,
    Worker,
    visit,
)
from rota.planner.solve import InvalidPlan, solve
from rota.planner.travel import MatrixRule, Measure14, leg_minutes
from rota.planner.validate import KINDS, Fault, validate

__all__ = [
    "KINDS",
    "Assignment",
    "Fault",
    "InvalidPlan",
    "MatrixRule",
    "Measure14",
    "Part",
    "Problem",
    "Settings",
    "Shift",
    "Solution",
    "Stop",
    "Unassigned",
    "Visit",
    "Worker",
    "leg_minutes",
    "solve",
    "validate",
    "visit",
]
