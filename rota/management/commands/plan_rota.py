"""`python manage.py plan_rota --provider REF --team REF --date YYYY-MM-DD [--days N] [--time-limit S]
[--seed N] [--out plan.json] [--apply] [--replan]`: plan a team's day(s) with the rota planner.

Keeps every planned assignment and plans the visits still needing care workers (`--replan`: keeps only
assignments on visits with an attendance and plans the rest afresh, as the board's "Re-plan the day").
Prints plan.json (docs/planner.md) or writes it to --out. Without --apply nothing in the database
changes; --apply writes the plan through the board's services, all or nothing."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from commissioning.models import Organisation
from rota.planning.apply import NotApplied, day_plan_data, plan_apply
from rota.planning.plan import plan_days, plan_json
from workforce.models import Team


class Command(BaseCommand):
    help = "Plan a team's visits for a day (or several) with the rota planner; --apply writes the plan."

    def add_arguments(self, parser):
        parser.add_argument("--provider", required=True, help="provider ref")
        parser.add_argument("--team", required=True, help="team ref")
        parser.add_argument("--date", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--days", type=int, default=1, help="how many days from --date (default 1)")
        parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per day (default 10)")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--out", help="write plan.json here (default: print it)")
        parser.add_argument("--apply", action="store_true", help="write the plan to the board")
        parser.add_argument("--replan", action="store_true", help="keep only assignments on attended visits")

    def handle(self, *, provider, team, date: str, days, time_limit, seed, out, apply, replan, **_):
        org = Organisation.objects.filter(kind=Organisation.Kind.PROVIDER, ref=provider).first()
        if org is None:
            raise CommandError(f"unknown provider {provider!r}")
        the_team = Team.objects.filter(provider=org, ref=team).first()
        if the_team is None:
            raise CommandError(f"unknown team {team!r} of provider {provider}")
        try:
            first = _date(date)
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from None
        if not 1 <= days <= 31:
            raise CommandError("--days must be from 1 to 31")
        if time_limit <= 0:
            raise CommandError("--time-limit must be above 0")
        plans = plan_days(
            the_team, first, days, mode="replan" if replan else "unassigned", time_limit=time_limit, seed=seed
        )
        text = json.dumps(plan_json(plans), indent=2)
        if out:
            with open(out, "w", encoding="utf-8") as f:
                f.write(text + "\n")
            self.stdout.write(f"plan written to {out}")
        else:
            self.stdout.write(text)
        if apply:
            try:
                added = plan_apply(provider_id=org.pk, days=[day_plan_data(p) for p in plans])
            except NotApplied as exc:
                raise CommandError("not applied: " + " ".join(exc.problems)) from None
            self.stdout.write(f"applied: {added} assignments added")


def _date(value: str) -> date:
    return date.fromisoformat(value)
