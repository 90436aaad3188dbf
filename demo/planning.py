"""After the demo bundle is loaded: care plans, planned care workers and published rotas.

- every package gets the care plan that matches its visits (demo/plans.py);
- every past visit gets its planned care workers from who attended it;
- the `plan_weeks` weeks after the data are made from the care plans by rota_generate, as if on the
  Sunday night after the data; shifts are the last week's, a week on; each visit is planned for
  whoever did the same visit (same person, weekday and time) in the last week of the data, except
  where that visit was missed or cancelled, the care worker has left, or one visit in 40 (by its ref)
  left for the coordinator: today's board has a few visits to place and the warnings that follow;
- the last week of the data and the first planned week are published for every team (the second is
  left for the coordinator to publish).

Deterministic: a function of the generated data and the arguments only (no clock, no random draw).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import connection, transaction

from commissioning.models import Organisation
from homecare.lib.dates import LONDON, local_midnight, parse_iso_week
from homecare.lib.sql import sql_loader
from outcomes.models import Package
from rota.generate import rota_generate
from rota.models import CarePlanSlot, Publication
from workforce.models import Team

sql = sql_loader(__file__)
# Slots per INSERT: bulk_create batches (a city has tens of thousands).
BATCH = 5_000


def _time(hm: str) -> time:
    return time.fromisoformat(hm)


def care_plans_create(records: list[dict]) -> int:
    """The care plan slots of the records (bundle shape), skipping any already there (by ref)."""
    packages = {p.ref: p for p in Package.objects.filter(ref__in={r["package"] for r in records})}
    teams = dict(Team.objects.filter(ref__in={r["team"] for r in records}).values_list("ref", "pk"))
    rows = []
    for r in records:
        p = packages[r["package"]]
        rows.append(
            CarePlanSlot(
                provider_id=p.provider_id,
                ref=r["ref"],
                package=p,
                team_id=teams.get(r["team"]),
                days=r["days"],
                start=_time(r["start"]),
                earliest=_time(r["earliest"]),
                latest=_time(r["latest"]),
                minutes=r["minutes"],
                carers_required=r["carers_required"],
                skills=r["skills"],
                outside_home=r["outside_home"],
                tasks=r["tasks"],
                valid_from=datetime.fromisoformat(r["valid_from"]).date(),
                valid_until=datetime.fromisoformat(r["valid_until"]).date() if r["valid_until"] else None,
            )
        )
    created = CarePlanSlot.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return len(created)


def plan_rota(*, records: list[dict], end_week: str, plan_weeks: int = 2) -> dict[str, int]:
    """Everything in the module's doc; returns counts for the command to print."""
    providers = list(Organisation.objects.filter(kind=Organisation.Kind.PROVIDER).order_by("ref"))
    ids = [p.pk for p in providers]
    last_monday = parse_iso_week(end_week)
    first_plan = last_monday + timedelta(days=7)
    counts = {"care_plan_slots": care_plans_create(records)}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql("demo_planned_from_attendances"), {"providers": ids})
        counts["planned_past"] = cursor.rowcount
    visits = 0
    # As seen on the Sunday night after the data: every planned week is still to come.
    seen = datetime.combine(first_plan, time(0), tzinfo=LONDON) - timedelta(minutes=1)
    for org in providers:
        for i in range(plan_weeks):
            visits += rota_generate(provider=org, week=first_plan + timedelta(weeks=i), now=seen).created
    counts["planned_visits"] = visits
    params = {
        "providers": ids,
        "last_start": local_midnight(last_monday),
        "last_end": local_midnight(first_plan),
        "plan_end": local_midnight(first_plan + timedelta(weeks=plan_weeks)),
        "at": seen,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        for i in range(1, plan_weeks + 1):
            cursor.execute(sql("demo_shifts_a_week_on"), params | {"weeks": i})
        cursor.execute(sql("demo_planned_ahead"), params)
        counts["planned_ahead"] = cursor.rowcount
    for team in Team.objects.filter(provider__in=providers):
        for monday in (last_monday, first_plan):
            # Published the Friday before the week at 16:00: a fixed time keeps the data deterministic.
            at = datetime.combine(monday - timedelta(days=3), time(16), tzinfo=LONDON)
            Publication.objects.get_or_create(
                team=team, week=monday, defaults={"provider_id": team.provider_id, "published_at": at}
            )
    return counts
