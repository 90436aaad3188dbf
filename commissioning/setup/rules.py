"""The checks a contract, lot or rate must pass: those of the bundle import (interchange/lists.py and
checks.py) and a few it cannot make about a single record, so the same data is refused whichever way
it arrives. Each returns a list of {"path", "message"}."""

from __future__ import annotations

import re
from decimal import Decimal

# As the bundle's patterns (interchange/lists.py): the digits match the database columns.
MONEY_DIGITS, HOURS_DIGITS, SHARE_PLACES, FACTOR_DIGITS = 10, 8, 4, 2
LSOA = re.compile(r"^[EW]01\d{6}$")  # an England (E01) or Wales (W01) LSOA 2011/2021 code

# Terms that only make sense together.
PAIRS = (
    (
        "short_visit_minutes",
        "short_visit_rate",
        "a short-visit rate needs the threshold in minutes, and the other way round",
    ),
    ("hospital_retainer_share", "hospital_retainer_days", "a hospital retainer needs both its share and its days"),
    ("late_cancel_hours", "late_cancel_share", "a late-cancellation charge needs both its notice hours and its share"),
)


def lot_term_errors(terms: dict) -> list[dict]:
    errors = []
    for a, b, message in PAIRS:
        if (terms.get(a) is None) != (terms.get(b) is None):
            missing = b if terms.get(b) is None else a
            errors.append({"path": missing, "message": message[0].upper() + message[1:] + "."})
    if terms.get("guaranteed_share") is not None and terms.get("expected_weekly_hours") is None:
        errors.append(
            {
                "path": "expected_weekly_hours",
                "message": "A guaranteed share needs the expected weekly hours it is a share of.",
            }
        )
    multiplier = terms.get("bank_holiday_multiplier")
    if multiplier is not None and multiplier < 1:
        errors.append(
            {
                "path": "bank_holiday_multiplier",
                "message": "A bank-holiday multiplier is at least 1 (1.5 is time and a half).",
            }
        )
    return errors


def lsoa_errors(codes: list[str]) -> list[str]:
    return [c for c in codes if not LSOA.match(c)]


def share_ok(value: Decimal) -> bool:
    return Decimal(0) <= value <= Decimal(1)
