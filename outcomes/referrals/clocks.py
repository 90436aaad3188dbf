"""The clocks a referral runs against (docs/spec/monitoring-return.md, KPIs 2-4):

- agreeing a start: by the end (23:59:59, London) of the first working day after the day it was
  received; standard referrals only (priority and authorised-delay referrals are not counted);
- starting: the person's first delivered visit checked in within 72 hours of `received` (48 for a
  priority referral); an authorised delay stops the 72-hour clock, not the 48-hour one.

Elapsed real time, as the return counts it. Pure functions: the queue and the API show the same."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from homecare.lib.dates import LONDON, local_midnight, next_working_day

CLOCK_STATES = ("running", "overdue", "met", "missed", "stopped")
STANDARD_START_HOURS = 72
PRIORITY_START_HOURS = 48


@dataclass(frozen=True)
class Clock:
    """One deadline and how it stands. `state`: running, overdue (still open, past the deadline), met or
    missed (stopped on time or late), or stopped (declined or withdrawn: it counts for nothing)."""

    name: str
    deadline: datetime  # the last moment that is on time
    stopped: datetime | None
    state: str
    remaining: timedelta | None  # to the deadline while open (negative once overdue)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "deadline": self.deadline.isoformat(),
            "stopped": self.stopped.isoformat() if self.stopped else None,
            "state": self.state,
            "remaining_minutes": int(self.remaining.total_seconds() // 60) if self.remaining is not None else None,
        }


def agree_deadline_end(received: datetime) -> datetime:
    """The midnight that ends the deadline day (the first working day after the day received):
    a start agreed before it is on time."""
    day = received.astimezone(LONDON).date()
    return local_midnight(next_working_day(day) + timedelta(days=1))


def start_hours(*, priority: bool, authorised_delay: bool) -> int | None:
    if priority:
        return PRIORITY_START_HOURS
    return None if authorised_delay else STANDARD_START_HOURS


def _clock(name: str, end: datetime, stopped: datetime | None, open_: bool, now: datetime, *, inclusive: bool) -> Clock:
    """`end`: the deadline itself (inclusive) or the first moment after it (exclusive)."""
    shown = end if inclusive else end - timedelta(seconds=1)
    if stopped is not None:
        on_time = stopped <= end if inclusive else stopped < end
        return Clock(name, shown, stopped, "met" if on_time else "missed", None)
    if not open_:
        return Clock(name, shown, None, "stopped", None)
    late = now > end if inclusive else now >= end
    return Clock(name, shown, None, "overdue" if late else "running", shown - now)


def clocks_for(referral, *, first_check_in: datetime | None, now: datetime) -> dict[str, Clock]:
    """The referral's clocks: "agree" (standard referrals) and "start" (72 or 48 hours; none for a
    standard referral with an authorised delay). A clock that does not apply is absent."""
    out: dict[str, Clock] = {}
    open_ = referral.outcome in ("pending", "started")
    if not referral.priority and not referral.authorised_delay:
        end = agree_deadline_end(referral.received)
        out["agree"] = _clock("Agree a start", end, referral.start_agreed, open_, now, inclusive=False)
    hours = start_hours(priority=referral.priority, authorised_delay=referral.authorised_delay)
    if hours is not None:
        deadline = referral.received + timedelta(hours=hours)
        out["start"] = _clock(f"Start within {hours} hours", deadline, first_check_in, open_, now, inclusive=True)
    return out


# The person's first delivered visit after the referral was received is rota's to know; rota
# registers how to find it (a lower layer gets it by registration, never by import).
FirstCheckIns = Callable[[Iterable[tuple[int, int, datetime]]], dict[int, datetime]]
_first_check_ins: FirstCheckIns | None = None


def register_first_check_ins(finder: FirstCheckIns) -> None:
    global _first_check_ins
    _first_check_ins = finder


def first_check_ins(referrals) -> dict[int, datetime]:
    """{referral id: the first check-in of the person's first delivered visit after `received`}."""
    keys = [(r.pk, r.person_id, r.received) for r in referrals if r.person_id is not None]
    if not keys or _first_check_ins is None:
        return {}
    return _first_check_ins(keys)
