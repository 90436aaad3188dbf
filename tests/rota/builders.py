"""Hand-built rota scenarios: the return's Scenario plus teams, care workers with skills and hours,
care plan slots, shifts with breaks, planned assignments."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from commissioning.models import Role
from rota.assignments import assignment_add
from rota.careplans import care_plan_slot_add
from rota.generate import rota_generate
from rota.models import Shift, Visit
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


def board_day(s: RotaScenario, team_ref="T1", name="Armley team", prefix="") -> dict:
    """test_board's Tuesday 8 December 2026: A 09:00 (30 min), B 10:00 (45), C 11:00 (30, two carers) and
    A 17:00, homes 0.01 degree of latitude (17 minutes on foot) apart; Sam (07:00-14:00, 30 minutes unpaid)
    has A and B, Kim (08:00-12:00) has C. `prefix` keeps a second team's refs apart."""
    team = s.team(ref=team_ref, name=name)
    a, b, c = (s.person(lat=lat, lon=-1.55) for lat in (53.80, 53.81, 53.82))
    pa, pb, pc = (s.package(p, start="2026-11-02") for p in (a, b, c))
    s.slot(pa, days=(2,), start="09:00", minutes=30, team=team, ref=f"{prefix}A-AM")
    s.slot(pb, days=(2,), start="10:00", minutes=45, team=team, ref=f"{prefix}B-AM")
    s.slot(pc, days=(2,), start="11:00", minutes=30, carers_required=2, team=team, ref=f"{prefix}C-AM")
    s.slot(pa, days=(2,), start="17:00", minutes=30, team=team, ref=f"{prefix}A-PM")
    rota_generate(provider=s.provider, week=d("2026-12-07"), now=t("2026-12-04 12:00"))
    sam = s.carer(team, name=f"{prefix}Sam", ref=f"{prefix}W-SAM")
    kim = s.carer(team, name=f"{prefix}Kim", ref=f"{prefix}W-KIM")
    s.care_shift(sam, "2026-12-08 07:00", "2026-12-08 14:00", brk=30)
    s.care_shift(kim, "2026-12-08 08:00", "2026-12-08 12:00")
    v = {r: Visit.objects.get(ref=f"{prefix}{r}-20261208") for r in ("A-AM", "B-AM", "C-AM", "A-PM")}
    assignment_add(visit=v["A-AM"], worker=sam)
    assignment_add(visit=v["B-AM"], worker=sam)
    assignment_add(visit=v["C-AM"], worker=kim)
    return dict(team=team, sam=sam, kim=kim, v=v, people=(a, b, c))
