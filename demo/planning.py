"""After the demo bundle is loaded (which holds every package's care plan, demo/plans.py, and each
past visit's planned care workers, who attended it): the weeks ahead and published rotas.

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
from rota.generate import rota_generate
from rota.models import Publication
from workforce.models import Team

sql = sql_loader(__file__)


def plan_rota(*, end_week: str, plan_weeks: int = 2) -> dict[str, int]:
    """Everything in the module's doc; returns counts for the command to print."""
    providers = list(Organisation.objects.filter(kind=Organisation.Kind.PROVIDER).order_by("ref"))
    ids = [p.pk for p in providers]
    last_monday = parse_iso_week(end_week)
    first_plan = last_monday + timedelta(days=7)
    counts: dict[str, int] = {}
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
