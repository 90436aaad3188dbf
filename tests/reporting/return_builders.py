"""Small hand-built scenarios for the return's rules: a terse builder over the ORM.

Times are London wall-clock strings ("2025-09-08 10:00"); `fold=1` picks the second 01:xx on the
night the clocks go back."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count

from commissioning.models import Referral
from homecare.lib.dates import LONDON, parse_iso_week
from outcomes.models import HospitalStay, OutcomeAssessment, Package, PackageChange, Person, Review
from reporting.returns.compute import compute_return_figures
from rota.models import Attendance, Shift, Visit
from workforce.models import Absence, Worker


def t(s: str, fold: int = 0) -> datetime:
    return datetime.fromisoformat(s).replace(tzinfo=LONDON, fold=fold)


def d(s: str) -> date:
    return date.fromisoformat(s)


class Scenario:
    def __init__(self, contract):
        self.contract = contract
        self.provider = contract.provider
        self._n = count(1)

    def _ref(self, prefix: str) -> str:
        return f"{prefix}{next(self._n):03d}"

    def own(self, **kw):
        return {"provider": self.provider, **kw}

    def person(self, lot=1, lat=None, lon=None, opt_out=False, ref=None) -> Person:
        return Person.objects.create(
            **self.own(ref=ref or self._ref("Q")),
            contract=self.contract,
            lot=lot,
            home_lat=lat,
            home_lon=lon,
            outcomes_opt_out=opt_out,
        )

    def package(self, person, start="2025-07-01", end=None, hours="7.00", lot=None, ref=None) -> Package:
        return Package.objects.create(
            **self.own(ref=ref or self._ref("PK")),
            person=person,
            lot=lot or person.lot,
            start=d(start),
            end=d(end) if end else None,
            planned_weekly_hours=Decimal(hours),
        )

    def change(self, package, effective, hours, by="provider", decision="approved", decided=None, reason="other"):
        return PackageChange.objects.create(
            **self.own(ref=self._ref("CH")),
            package=package,
            effective=d(effective),
            new_weekly_hours=Decimal(hours),
            by=by,
            reason=reason,
            decision=decision,
            decided=d(decided) if decided else (None if decision == "pending" else d(effective)),
        )

    def review(self, package, due, completed=None, kind="provider"):
        return Review.objects.create(
            **self.own(ref=self._ref("RV")),
            package=package,
            kind=kind,
            due=d(due),
            completed=d(completed) if completed else None,
        )

    def referral(self, person, received, *, priority=False, delay=False, agreed=None, outcome="started", decided=None):
        return Referral.objects.create(
            **self.own(ref=self._ref("R")),
            person=person,
            lot=person.lot,
            received=t(received) if isinstance(received, str) else received,
            priority=priority,
            authorised_delay=delay,
            start_agreed=t(agreed) if agreed else None,
            outcome=outcome,
            decided=t(decided) if decided else (None if outcome == "pending" else t(received)),
        )

    def worker(self, started="2024-01-01", left=None, mode="walk", ref=None) -> Worker:
        return Worker.objects.create(
            **self.own(ref=ref or self._ref("W")),
            started=d(started),
            left=d(left) if left else None,
            contract_type="zero_hours",
            pay_rate=Decimal("12.00"),
            travel_mode=mode,
        )

    def visit(self, person, start, minutes=30, *, carers=1, status="completed", outside=False, attend=(), fold=0):
        """attend: (worker, check_in, check_out) with London wall times (check_out may be None)."""
        begin = t(start, fold)
        v = Visit.objects.create(
            **self.own(ref=self._ref("V")),
            person=person,
            package=person.packages.first(),
            planned_start=begin,
            planned_end=begin + timedelta(minutes=minutes),
            carers_required=carers,
            outside_home=outside,
            status=status,
        )
        for worker, check_in, check_out in attend:
            Attendance.objects.create(
                provider=self.provider,
                visit=v,
                worker=worker,
                check_in=check_in if isinstance(check_in, datetime) else t(check_in),
                check_out=(check_out if isinstance(check_out, datetime) else t(check_out)) if check_out else None,
            )
        return v

    def shift(self, worker, start, end, kind="care"):
        return Shift.objects.create(
            **self.own(ref=self._ref("S")), worker=worker, start=t(start), end=t(end), kind=kind
        )

    def absence(self, worker, start, end, kind="sickness"):
        return Absence.objects.create(
            **self.own(ref=self._ref("A")), worker=worker, start=d(start), end=d(end), kind=kind
        )

    def stay(self, person, admitted, discharged=None):
        return HospitalStay.objects.create(
            **self.own(ref=self._ref("HS")),
            person=person,
            admitted=t(admitted),
            discharged=t(discharged) if discharged else None,
        )

    def assessment(self, person, on, wi=3, home=3, community=3):
        return OutcomeAssessment.objects.create(
            **self.own(ref=self._ref("OA")),
            person=person,
            date=d(on),
            wellbeing_independence=wi,
            home=home,
            community=community,
        )

    def figures(self, week: str) -> dict:
        return compute_return_figures(contract_id=self.contract.pk, week_start=parse_iso_week(week))
