"""Referrals: for people starting on a care line, pending ones, and those declined or withdrawn."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from .careplans import Slot
from .people import Occupant

if TYPE_CHECKING:
    from .generator import ContractInfo


class ReferralsMixin:
    """Part of the generator (generator._Gen): brokerage referrals."""

    def _first_call(self, slot: Slot, occ: Occupant | None, day: int) -> int:
        for k, c in enumerate(slot.day_calls[day % 7]):
            if not c[6] or (occ is not None and occ.optional_booked(day)):
                return day * 1440 + slot.starts[day % 7][k]
        return day * 1440 + 9 * 60

    def _daytime(self, minute: int, rng: random.Random) -> int:
        """Move a time that falls at night back to office hours of the same or the previous day."""
        m = minute % 1440
        if m < 8 * 60:
            return minute - m - 1440 + rng.randint(15 * 60, 19 * 60)
        if m >= 20 * 60:
            return minute - m + rng.randint(14 * 60, 19 * 60)
        return minute

    def referral(self, info: ContractInfo, slot: Slot, occ: Occupant, rng: random.Random) -> None:
        first = self._first_call(slot, occ, occ.start)
        priority = rng.random() < 0.12
        delay = not priority and rng.random() < 0.05
        if priority:
            lead = rng.uniform(5, 40) if rng.random() < 0.95 else rng.uniform(49, 70)
        elif delay:
            lead = rng.uniform(80, 200)
        else:
            lead = rng.uniform(12, 70) if rng.random() < 0.88 else rng.uniform(73, 150)
        received = first - round(lead * 60)
        m = received % 1440
        if not 8 * 60 <= m < 20 * 60:
            # Brokerage works office hours: a night-time referral arrives the next morning instead, so
            # the time to the first visit shrinks rather than grows (unless that visit is too soon).
            morning = received - m + (1440 if m >= 20 * 60 else 0) + 8 * 60 + rng.randint(0, 60)
            received = morning if morning <= first - 60 else self._daytime(received, rng)
        if rng.random() < 0.85:
            agreed = received + rng.randint(30, 20 * 60)
        else:
            agreed = received + rng.randint(26 * 60, 60 * 60)
        agreed = max(received + 15, min(agreed, first - 30))
        self.w.add(
            "referrals",
            {
                "ref": f"R-{occ.person}",
                "person": occ.person,
                "lot": occ.lot,
                "received": self.dt(received),
                "priority": priority,
                "authorised_delay": delay,
                "start_agreed": self.dt(agreed),
                "outcome": "started",
                "decided": self.dt(agreed),
            },
        )

    def pending_referral(self, info: ContractInfo, slot: Slot, start_day: int, rng: random.Random) -> None:
        received = self._daytime(start_day * 1440 + 9 * 60 - rng.randint(20 * 60, 90 * 60), rng)
        if received > self.last * 1440 + 17 * 60:
            return
        pref = self._next(self.person_no, info.provider, "{}-P{:05d}")
        lot = 2 if rng.random() < self.sc.lot2_share else 1
        self._person_without_package(info, pref, slot, rng, lot)
        agreed = received + rng.randint(60, 18 * 60)
        agreed_s = self.dt(agreed) if agreed <= self.last * 1440 + 20 * 60 else None
        self.w.add(
            "referrals",
            {
                "ref": f"R-{pref}",
                "person": pref,
                "lot": lot,
                "received": self.dt(received),
                "priority": False,
                "authorised_delay": False,
                "start_agreed": agreed_s,
                "outcome": "pending",
                "decided": None,
            },
        )

    def _person_without_package(self, info, pref, slot, rng, lot) -> None:
        info.people += 1
        self.w.add(
            "people",
            {
                "ref": pref,
                "provider": info.provider,
                "contract": info.ref,
                "lot": lot,
                "home": self.home(
                    round(slot.lat + (rng.random() - 0.5) * 0.002, 5), round(slot.lon + (rng.random() - 0.5) * 0.003, 5)
                ),
                "outcomes_opt_out": False,
            },
        )

    def lost_referrals(self, info: ContractInfo, rng: random.Random) -> None:
        """Referrals that never started: declined by the provider (KPI 1) or withdrawn."""
        started_per_day = len(info.slots) / 365
        for outcome, share in (("declined", 0.04), ("withdrawn", 0.03)):
            n = int(self.n_days * started_per_day * share + rng.random())
            for _ in range(n):
                slot = info.slots[rng.randrange(len(info.slots))]
                received = self._daytime(rng.randrange(self.n_days) * 1440 + rng.randint(9 * 60, 17 * 60), rng)
                decided = received + (
                    rng.randint(120, 30 * 60) if outcome == "declined" else rng.randint(240, 5 * 1440)
                )
                decided = self._daytime(decided, rng) if decided % 1440 >= 20 * 60 else decided
                decided = max(decided, received + 60)
                if decided > self.last * 1440 + 20 * 60:
                    continue
                pref = self._next(self.person_no, info.provider, "{}-P{:05d}")
                lot = 2 if rng.random() < self.sc.lot2_share else 1
                self._person_without_package(info, pref, slot, rng, lot)
                self.w.add(
                    "referrals",
                    {
                        "ref": f"R-{pref}",
                        "person": pref,
                        "lot": lot,
                        "received": self.dt(received),
                        "priority": rng.random() < 0.1,
                        "authorised_delay": False,
                        "start_agreed": None,
                        "outcome": outcome,
                        "decided": self.dt(decided),
                    },
                )
