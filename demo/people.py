"""People on a care line over time, and everything recorded about them: package, hours changes,
reviews, referral, hospital stays, Outcomes Tool assessments."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .careplans import Slot

HOSPITAL_ADMISSIONS_PER_DAY = 0.0015  # about 2 admissions a week among 210 people
TERMINAL_STAY_SHARE = 0.12  # stays after which the person moves to residential care
MEAN_PACKAGE_DAYS = 365
CHANGES_PER_DAY = 0.025 / 7  # hours changes, about 2.5% of packages a week
OUTCOMES_OPT_OUT = 0.06
LOT2_SHARE = 0.12


@dataclass
class Occupant:
    person: str
    package: str
    start: int  # day index (0 = the data's first Monday); negative = before the data
    end: int | None
    lot: int
    lat: float
    lon: float
    opt_out: bool
    optional_on: bool  # whether the care line's adjustable call is booked at the start
    # (from day, booked?) in day order: package changes switch the adjustable call on or off.
    optional_events: list[tuple[int, bool]] = field(default_factory=list)
    stays: list[tuple[int, int | None]] = field(default_factory=list)  # (admitted, discharged) absolute minutes

    def optional_booked(self, day: int) -> bool:
        on = self.optional_on
        for d, state in self.optional_events:
            if day >= d:
                on = state
        return on

    def in_hospital(self, minute: int) -> bool:
        for a, b in self.stays:
            if a <= minute and (b is None or minute < b):
                return True
        return False


def occupants_for(
    rng: random.Random, slot: Slot, n_days: int, next_person: callable, lot2_share: float = LOT2_SHARE
) -> tuple[list[Occupant], int | None]:
    """The people on a care line from before the data to its end. Returns them and, when the next
    person's start falls after the data, that start day (their referral is still pending)."""
    last = n_days - 1
    occs: list[Occupant] = []
    # In the steady state about 3% of lines are between people (gaps of 2-21 days on year-long packages).
    start = rng.randint(1, 21) if rng.random() < 0.03 else -rng.randint(1, 1400)
    while True:
        pref = next_person()
        # Package lengths are memoryless, so the person on the line when the data starts simply has
        # an exponential time left from day 0.
        end: int | None = max(start, 0) + (7 if start >= 0 else 0) + int(rng.expovariate(1 / MEAN_PACKAGE_DAYS))
        if end > last:
            end = None
        occ = Occupant(
            person=pref,
            package="PK-" + pref,
            start=start,
            end=end,
            lot=2 if rng.random() < lot2_share else 1,
            lat=round(slot.lat + (rng.random() - 0.5) * 0.0006, 5),
            lon=round(slot.lon + (rng.random() - 0.5) * 0.0010, 5),
            opt_out=rng.random() < OUTCOMES_OPT_OUT,
            optional_on=slot.optional is not None and rng.random() < 0.85,
        )
        _hospital_stays(rng, occ, last)
        occs.append(occ)
        if occ.end is None:
            return occs, None
        start = occ.end + 1 + rng.randint(2, 21)
        if start > last:
            return occs, start


def _hospital_stays(rng: random.Random, occ: Occupant, last: int) -> None:
    cursor = max(occ.start, 0)
    while True:
        stop = occ.end if occ.end is not None else last
        adm_day = cursor + int(rng.expovariate(HOSPITAL_ADMISSIONS_PER_DAY))
        if adm_day > min(stop, last):
            return
        los = min(45, 1 + int(rng.expovariate(1 / 6)))
        admitted = adm_day * 1440 + rng.randint(8 * 60, 20 * 60)
        dis_day = adm_day + los
        discharged = None if dis_day > last else dis_day * 1440 + rng.randint(10 * 60, 18 * 60)
        occ.stays.append((admitted, discharged))
        if discharged is None:
            return
        if rng.random() < TERMINAL_STAY_SHARE:
            occ.end = dis_day - 1  # discharged to residential care: the package ends
            return
        cursor = dis_day + 7


DECREASE_REASONS = [
    ("right_sizing", 0.35),
    ("rehabilitation", 0.25),
    ("enablement", 0.2),
    ("community_connection", 0.2),
]
CONSENT = [("person", 0.72), ("family", 0.2), ("advocate", 0.08)]


def _pick(rng: random.Random, weighted: list) -> str:
    r = rng.random()
    for item, w in weighted:
        r -= w
        if r <= 0:
            return item
    return weighted[-1][0]


def package_changes(rng: random.Random, occ: Occupant, slot: Slot, n_days: int) -> list[dict]:
    """Hours changes in the data's window; each switches the care line's adjustable call on or off
    (so the visits follow the package's planned hours). A rejected provider change switches it back
    from the day the social worker decided."""
    if slot.optional is None:
        return []
    last = n_days - 1
    base = slot.weekly_minutes(with_optional=False)
    opt = slot.optional_weekly_minutes()
    stop = last if occ.end is None else min(occ.end, last)
    day = max(occ.start, 0) + 14
    changes: list[dict] = []
    state = occ.optional_on
    while len(changes) < 2:
        day += int(rng.expovariate(CHANGES_PER_DAY))
        if day > stop:
            break
        state = not state
        hours = f"{(base + (opt if state else 0)) / 60:.2f}"
        ch = {
            "ref": f"CH-{occ.person}-{len(changes)}",
            "package": occ.package,
            "effective": day,
            "new_weekly_hours": hours,
        }
        occ.optional_events.append((day, state))
        if rng.random() < 0.75:
            ch.update(by="provider", consent_by=_pick(rng, CONSENT))
            ch["reason"] = (
                _pick(rng, DECREASE_REASONS) if not state else ("increase_need" if rng.random() < 0.85 else "other")
            )
            submitted = day + 28  # the trusted assessor asks the social work team after four weeks
            if submitted > last:
                ch.update(submitted_for_approval=None, decision="pending", decided=None)
            else:
                decided = submitted + rng.randint(3, 21)
                if decided > last:
                    ch.update(submitted_for_approval=submitted, decision="pending", decided=None)
                elif rng.random() < 0.15:
                    ch.update(submitted_for_approval=submitted, decision="rejected", decided=decided)
                    state = not state
                    occ.optional_events.append((decided, state))
                    day = decided
                else:
                    ch.update(submitted_for_approval=submitted, decision="approved", decided=decided)
                    day = decided
        else:
            ch.update(
                by="social_worker",
                consent_by="person",
                submitted_for_approval=None,
                decision="approved",
                decided=day,
                reason="increase_need" if state else ("right_sizing" if rng.random() < 0.7 else "other"),
            )
        changes.append(ch)
    return changes


def reviews(rng: random.Random, occ: Occupant, n_days: int) -> tuple[list[dict], int | None]:
    """Provider (trusted assessor) reviews six weeks after the start and then quarterly, social worker
    reviews at eight weeks and then yearly. Returns the reviews and the package's next review due."""
    last = n_days - 1
    stop = last if occ.end is None else min(occ.end, last)
    out: list[dict] = []
    next_due = None
    for kind, first, every, on_time, late in (("provider", 42, 91, 0.88, 0.08), ("social_worker", 56, 365, 0.70, 0.22)):
        due, n = occ.start + first, 0
        while due <= stop:
            if due >= -400:
                r = rng.random()
                if r < on_time:
                    done = max(occ.start, due - rng.randint(0, 14))
                elif r < on_time + late:
                    done = due + rng.randint(1, 40 if kind == "provider" else 90)
                elif due < stop - 45:
                    done = due + rng.randint(41, 120)  # long overdue, caught up in the end
                else:
                    done = None  # overdue at the end of the data
                if done is not None and done > stop:
                    done = None
                out.append(
                    {
                        "ref": f"RV-{occ.person}-{kind[0]}{n}",
                        "package": occ.package,
                        "kind": kind,
                        "due": due,
                        "completed": done,
                    }
                )
                if kind == "provider" and done is None and next_due is None:
                    next_due = due
            due += every
            n += 1
        if kind == "provider" and next_due is None and occ.end is None:
            next_due = due  # the next one, after the data
    return out, next_due


def assessments(rng: random.Random, occ: Occupant, n_days: int) -> list[dict]:
    """Outcomes Tool assessments (three domains 1-5) about every four months, Lot 1 only."""
    if occ.lot != 1 or occ.opt_out:
        return []
    last = n_days - 1
    stop = last if occ.end is None else min(occ.end, last)
    scores = [rng.randint(2, 4), rng.randint(1, 4), rng.randint(1, 3)]
    day = occ.start + rng.randint(7, 21)
    out = []
    n = 0
    while day <= stop:
        if day >= -400:
            out.append(
                {
                    "ref": f"OA-{occ.person}-{n}",
                    "person": occ.person,
                    "date": day,
                    "wellbeing_independence": scores[0],
                    "home": scores[1],
                    "community": scores[2],
                }
            )
        for i in range(3):
            r = rng.random()
            scores[i] = min(5, max(1, scores[i] + (1 if r < 0.33 else -1 if r > 0.85 else 0)))
        day += rng.randint(95, 128) if rng.random() < 0.85 else rng.randint(130, 200)
        n += 1
    return out
