"""A small hand-built day: places 0-3 on a line, ten minutes apart by any mode, so every expected time is
worked out by hand in the tests."""

from __future__ import annotations

import numpy as np

from rota.planner.problem import Problem, Settings, Shift, Visit, Worker
from rota.planner.travel import MatrixRule

# Places: 0 Ann's home, 1 Mrs Brown, 2 Mr Cole, 3 Bob's home; |i - j| x 10 minutes apart.
LINE = MatrixRule(np.array([[abs(i - j) * 10 for j in range(4)] for i in range(4)]))


def day(
    visits: list[Visit],
    *,
    workers: list[Worker] | None = None,
    shifts: list[Shift] | None = None,
    settings: Settings | None = None,
) -> Problem:
    workers = workers or [Worker("ann", frozenset({"meds"})), Worker("bob")]
    shifts = shifts or [Shift("ann-am", "ann", 480, 780, home=0), Shift("bob-am", "bob", 480, 780, home=3)]
    return Problem({w.id: w for w in workers}, tuple(shifts), tuple(visits), LINE, settings or Settings())
