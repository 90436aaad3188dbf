"""How often each figure is due and over which window (spec: "The return as data").

Due is counted from the contract's first week (the ISO week holding its start date, week 1):
weekly figures are always due; the others every Nth week of the contract (N = their frequency
in weeks; measure 12 every 17th week, three times a year)."""

from __future__ import annotations

WEEKLY, FOUR_WEEKLY, FOUR_MONTHLY, QUARTERLY, HALF_YEARLY, ANNUAL = 1, 4, 17, 13, 26, 52

# measure number -> (how often it is due, in weeks; its window, in weeks)
MEASURES: dict[int, tuple[int, int]] = {
    **{n: (WEEKLY, 1) for n in range(1, 12)},
    12: (FOUR_MONTHLY, 17),
    13: (QUARTERLY, 13),
    14: (FOUR_WEEKLY, 4),
    15: (FOUR_WEEKLY, 4),
    16: (FOUR_WEEKLY, 4),
    17: (FOUR_WEEKLY, 4),
    18: (HALF_YEARLY, 26),
    19: (ANNUAL, 52),
    20: (ANNUAL, 52),
    21: (QUARTERLY, 13),
    22: (QUARTERLY, 13),
    23: (QUARTERLY, 13),
    24: (QUARTERLY, 13),
    25: (QUARTERLY, 13),
    # Due quarterly with the other wider-system measures, but its data is the annual people survey:
    # a 13-week window would be empty three quarters out of four.
    26: (QUARTERLY, 52),
    27: (QUARTERLY, 13),
    28: (QUARTERLY, 13),
    29: (QUARTERLY, 13),
}


def is_due(measure: int, week_number: int) -> bool:
    """week_number: 1 for the contract's first week. Weeks before the contract owe nothing."""
    every, _ = MEASURES[measure]
    return week_number >= 1 and week_number % every == 0
