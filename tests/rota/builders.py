"""Hand-built rota scenarios: the return's Scenario plus teams, care workers with skills and hours,
care plan slots, shifts with breaks, planned assignments."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from commissioning.models import Role
from rota.careplans import care_plan_slot_add
from rota.models import Shift
from rota.plan_models import Assignment
from tests.conftest import make_user
from tests.reporting.return_builders import Scenario, d, t
from workforce.models import Team, Worker


class RotaScenario(Scenario):
    def team(self, ref="T1", name="Armley team") -> Team:
        return Team.objects.create(**self.own(ref=ref), neighbourhood=self.contract.neighbourhood, name=name)

    def carer(
        self,
        team=None,
        *,
        name="",
        started="2024-01-01",
        left=None,
        mode="walk",
        skills=(),
        hours=None,
        ref=None,
        contract_type="guaranteed_hours",
    ) -> Worker:
        return Worker.objects.create(
            **self.own(ref=ref or self._ref("W")),
            team=team,
            name=name,
            started=d(started),
            left=d(left) if left else None,
            contract_type=contract_type,
            contracted_weekly_hours=Decimal(hours) if hours is not None else None,
            pay_rate=Decimal("13.95"),
            skills=list(skills),
            travel_mode=mode,
        )

    def slot(self, package, days=(1, 2, 3, 4, 5, 6, 7), start="08:00", minutes=30, *, valid_from=None, team=None, **kw):
        return care_plan_slot_add(
            package=package,
            days=days,
            start=time.fromisoformat(start),
            minutes=minutes,
            valid_from=d(valid_from) if valid_from else package.start,
            team=team,
            generate=False,
            **kw,
        )

    def care_shift(self, worker, start, end, brk=0, kind="care"):
        return Shift.objects.create(
            **self.own(ref=self._ref("S")),
            worker=worker,
            start=t(start),
            end=t(end),
            unpaid_break_minutes=brk,
            kind=kind,
        )

    def plan(self, visit, worker) -> Assignment:
        """An assignment written directly (the state a test starts from, not the rule under test)."""
        return Assignment.objects.create(provider=self.provider, visit=visit, worker=worker)

    def user(self, *roles, worker=None, email=None):
        user = make_user(self.provider, *roles, email=email)
        if worker is not None:
            worker.user = user
            worker.save(update_fields=["user"])
        return user

    def coordinator(self):
        return self.user(Role.COORDINATOR, email="coord@p1.example")
