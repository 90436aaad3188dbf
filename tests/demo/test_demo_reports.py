"""`demo_reports` leaves every role something to look at: the latest weeks' returns (all but the newest
signed off, each on the Tuesday after its week at 10:00) and the invoices of the settlement periods the
data covers (all but the newest issued, each dated the last day of its period, 17:00)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.management import call_command

from homecare.lib.dates import LONDON
from outcomes.models import Package, Person
from reporting.models import Invoice, WeeklyReturn
from rota.models import Visit


def test_demo_reports_signs_off_all_but_the_newest(contract, manager):
    person = Person.objects.create(provider=contract.provider, ref="Q1", contract=contract, lot=1)
    package = Package.objects.create(
        provider=contract.provider,
        ref="PK1",
        person=person,
        lot=1,
        start=date(2025, 7, 7),
        planned_weekly_hours=Decimal("3.50"),
    )
    # One visit a day from the contract's start (Mon 7 July 2025) to Sunday 7 September 2025.
    day = date(2025, 7, 7)
    while day <= date(2025, 9, 7):
        start = datetime.combine(day, time(9), tzinfo=LONDON)
        Visit.objects.create(
            provider=contract.provider,
            ref=f"V{day}",
            person=person,
            package=package,
            planned_start=start,
            planned_end=start + timedelta(minutes=30),
            status="completed",
        )
        day += timedelta(days=1)

    call_command("demo_reports", weeks=4)

    # The data ends on Sunday 7 Sep, so its week (Mon 1 Sep, 2025-W36) is the newest: a draft;
    # the three weeks before it are signed off.
    returns = {(r.week, r.status) for r in WeeklyReturn.objects.all()}
    assert returns == {
        ("2025-W33", "submitted"),
        ("2025-W34", "submitted"),
        ("2025-W35", "submitted"),
        ("2025-W36", "draft"),
    }
    # Four-weekly periods from 7 July: 7 Jul-3 Aug and 4-31 Aug are covered; 1-28 Sep is not complete.
    invoices = {(i.lot.number, i.period_start, i.status) for i in Invoice.objects.all()}
    assert invoices == {
        (1, date(2025, 7, 7), "issued"),
        (1, date(2025, 8, 4), "draft"),
        (2, date(2025, 7, 7), "issued"),
        (2, date(2025, 8, 4), "draft"),
    }
    assert sorted(Invoice.objects.filter(status="issued").values_list("number", flat=True)) == [
        "P1-000001",
        "P1-000002",
    ]
    # Dated by the data, not by the day the command ran: the period 7 July-3 August 2025 ends on Sunday
    # 3 August; week 2025-W35 (Monday 25 August) is signed off on Tuesday 2 September.
    london = {i.issued_at.astimezone(LONDON) for i in Invoice.objects.filter(status="issued")}
    assert london == {datetime(2025, 8, 3, 17, 0, tzinfo=LONDON)}
    assert all(i.data["issue_date"] == "2025-08-03" for i in Invoice.objects.filter(status="issued"))
    w35 = WeeklyReturn.objects.get(week="2025-W35")
    assert w35.submitted_at.astimezone(LONDON) == datetime(2025, 9, 2, 10, 0, tzinfo=LONDON)
