"""Small builders for invoice and pay tests: people, workers, visits with attendances, shifts."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from homecare.lib.dates import LONDON
from outcomes.models import Person
from rota.models import Attendance, Shift, Visit
from workforce.models import Worker


def at(s: str) -> datetime:
    """'2025-08-05T09:00' read as London wall time."""
    return datetime.fromisoformat(s).replace(tzinfo=LONDON)


def make_person(contract, lot=1, ref=None, lat=None, lon=None):
    n = Person.objects.filter(provider=contract.provider).count()
    return Person.objects.create(
        provider=contract.provider, contract=contract, lot=lot, ref=ref or f"Q{n}", home_lat=lat, home_lon=lon
    )


def make_worker(provider, ref=None, pay_rate="12.00", contract_type="zero_hours", weekly=None, mode="walk", **kw):
    n = Worker.objects.filter(provider=provider).count()
    return Worker.objects.create(
        provider=provider,
        ref=ref or f"W{n}",
        started="2024-01-01",
        contract_type=contract_type,
        contracted_weekly_hours=weekly,
        pay_rate=Decimal(pay_rate),
        travel_mode=mode,
        **kw,
    )


def make_visit(person, start, minutes=60, carers=1, status="completed", cancelled_at=None, attend=(), ref=None):
    """attend: [(worker, check_in 'HH:MM' or iso, check_out)]; times without a date use the visit's day."""
    s = at(start)
    n = Visit.objects.filter(provider=person.provider).count()
    visit = Visit.objects.create(
        provider=person.provider,
        person=person,
        ref=ref or f"V{n:04d}",
        planned_start=s,
        planned_end=s + timedelta(minutes=minutes),
        carers_required=carers,
        status=status,
        cancelled_at=at(cancelled_at) if cancelled_at else None,
    )
    day = start[:10]
    for worker, cin, cout in attend:
        Attendance.objects.create(
            provider=person.provider,
            visit=visit,
            worker=worker,
            check_in=(at(cin if "T" in cin else f"{day}T{cin}") if cin else None),
            check_out=(at(cout if "T" in cout else f"{day}T{cout}") if cout else None),
        )
    return visit


def make_shift(worker, start, end, brk=0, kind="care", ref=None):
    n = Shift.objects.filter(provider=worker.provider).count()
    return Shift.objects.create(
        provider=worker.provider,
        worker=worker,
        ref=ref or f"S{n}",
        start=at(start),
        end=at(end),
        unpaid_break_minutes=brk,
        kind=kind,
    )
