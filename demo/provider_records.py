"""Provider-level records: events, surveys, credits and spend."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from . import catalogue as cat

if TYPE_CHECKING:
    from .generator import ContractInfo


class ProviderRecordsMixin:
    """Part of the generator (generator._Gen): what a provider records beyond visits and shifts."""

    def provider_records(self) -> None:
        by_provider: dict[str, list[ContractInfo]] = {}
        for c in self.contracts:
            by_provider.setdefault(c.provider, []).append(c)
        for prov, contracts in by_provider.items():
            rng = self.rng("provider", prov)
            people = sum(len(c.slots) for c in contracts)
            self.events(prov, people, rng)
            self.surveys(prov, people, rng)
        for ci, c in enumerate(self.contracts):
            rng = self.rng("money", c.ref)
            self.credits_and_spend(ci, c, rng)

    def events(self, prov: str, people: int, rng: random.Random) -> None:
        n = 0
        for kind, rate in cat.EVENT_RATES.items():
            per_day = rate * people / 100 / 7
            day = -1
            while True:
                day += 1 + int(rng.expovariate(per_day))
                if day > self.last:
                    break
                titles = cat.EVENT_TITLES[kind]
                self.w.add(
                    "events",
                    {
                        "ref": f"EV-{prov}-{n}",
                        "provider": prov,
                        "date": self.day_str(day),
                        "kind": kind,
                        "title": titles[rng.randrange(len(titles))],
                    },
                )
                n += 1

    def _headcount(self, prov: str, day: int) -> int:
        return sum(
            1
            for t in self.teams
            if t.provider == prov
            for w in t.workers
            if w.started <= day and (w.left is None or w.left >= day)
        )

    def surveys(self, prov: str, people: int, rng: random.Random) -> None:
        first, last = self.start - timedelta(days=182), self.start + timedelta(days=self.last)
        for year in range(first.year, last.year + 1):
            for month in (3, 9):  # half-yearly staff survey
                d = date(year, month, 1)
                if first <= d <= last:
                    day = (d - self.start).days
                    heads = self._headcount(prov, day)
                    self.w.add(
                        "staff_surveys",
                        {
                            "ref": f"SS-{prov}-{d.isoformat()}",
                            "provider": prov,
                            "date": d.isoformat(),
                            "responses": max(1, int(heads * rng.uniform(0.35, 0.6))),
                            "mean_score": f"{rng.uniform(3.4, 4.3):.2f}",
                        },
                    )
        first = self.start - timedelta(days=365)
        for year in range(first.year, last.year + 1):
            d = date(year, 10, 1)  # annual survey of people and families
            if first <= d <= last:
                responses = max(1, int(people * rng.uniform(0.3, 0.45)))
                carers = int(responses * rng.uniform(0.25, 0.35))
                self.w.add(
                    "people_surveys",
                    {
                        "ref": f"PS-{prov}-{d.isoformat()}",
                        "provider": prov,
                        "date": d.isoformat(),
                        "responses": responses,
                        "felt_understood": round(responses * rng.uniform(0.8, 0.92)),
                        "unpaid_carers_responses": carers,
                        "unpaid_carers_well_supported": round(carers * rng.uniform(0.62, 0.8)),
                    },
                )

    def credits_and_spend(self, ci: int, c: ContractInfo, rng: random.Random) -> None:
        n = 0
        for period in range(0, (self.n_days + 27) // 28):
            p_start, p_end = period * 28, min(period * 28 + 27, self.last)
            for lot, chance in ((1, 0.6), (2, 0.25)):
                if rng.random() < chance:
                    day = rng.randint(p_start, p_end)
                    d = self.start + timedelta(days=day)
                    rate = float(cat.rate_for(c.model, cat.financial_year(d) - cat.BASE_YEAR))
                    hours = rng.choice((0.5, 0.75, 1, 1.5, 2, 3))
                    self.w.add(
                        "credits",
                        {
                            "ref": f"CR-{c.ref}-{n}",
                            "provider": c.provider,
                            "contract": c.ref,
                            "lot": lot,
                            "date": d.isoformat(),
                            "amount": f"{rate * hours:.2f}",
                            "reason": cat.CREDIT_REASONS[rng.randrange(len(cat.CREDIT_REASONS))],
                        },
                    )
                    n += 1
            direct = self.paid_cost.get((ci, period), 0.0) * 1.25
            indirect = direct * rng.uniform(0.14, 0.18)
            other = direct * rng.uniform(0.08, 0.12)
            self.w.add(
                "spend",
                {
                    "ref": f"SP-{c.ref}-{period + 1}",
                    "provider": c.provider,
                    "contract": c.ref,
                    "period_start": self.day_str(p_start),
                    "period_end": self.day_str(p_end),
                    "indirect_staffing": f"{indirect:.2f}",
                    "total_spend": f"{direct + indirect + other:.2f}",
                },
            )
