"""Publishing a team's week, and telling care workers what changed in a week they have already seen.

Care workers see a week only once their team's week is published. From then on the week is live: a
change to one of their visits or shifts is written down (RotaChange) in words, the board marks it,
and the care worker's page lists the changes made since they last opened it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from commissioning.models import Organisation
from rota.models import Shift, Visit
from rota.plan_models import Publication, RotaChange, RotaSeen
from workforce.models import Team, Worker


def monday_of(when: datetime | date) -> date:
    day = timezone.localdate(when) if isinstance(when, datetime) else when
    return day - timedelta(days=day.weekday())


def first_name(person) -> str:
    """What a care worker calls the person: their first name, or their ref when no name is held."""
    name = (getattr(person, "name", "") or "").strip()
    return name.split()[0] if name else f"Person {person.ref}"


def visit_label(visit: Visit) -> str:
    start = timezone.localtime(visit.planned_start)
    return f"{start:%a %-d %b %H:%M}, {first_name(visit.person)}"


def shift_label(shift: Shift) -> str:
    start, end = timezone.localtime(shift.start), timezone.localtime(shift.end)
    return f"{start:%a %-d %b} {start:%H:%M}-{end:%H:%M}"


@transaction.atomic
def rota_publish(*, actor=None, team: Team, week: date) -> Publication:
    """Publish (or publish again) the team's week: its care workers see it from now on, and the board
    marks only the changes made after this."""
    monday = monday_of(week)
    publication, _ = Publication.objects.update_or_create(
        team=team,
        week=monday,
        defaults={
            "provider_id": team.provider_id,
            "published_at": timezone.now(),
            "published_by": actor if getattr(actor, "pk", None) and hasattr(actor, "email") else None,
        },
    )
    return publication


def publications(team_ids: Iterable[int], weeks: Iterable[date]) -> dict[tuple[int, date], Publication]:
    return {(p.team_id, p.week): p for p in Publication.objects.filter(team_id__in=set(team_ids), week__in=set(weeks))}


def is_published(worker: Worker, day: date) -> bool:
    return bool(worker.team_id) and Publication.objects.filter(team_id=worker.team_id, week=monday_of(day)).exists()


def record_changes(*, provider: Organisation, items: list[tuple]) -> int:
    """items: (worker, visit or shift, RotaChange.Kind, detail). Only changes inside a published
    week of the worker's team are written; returns how many."""
    if not items:
        return 0
    weeks = {monday_of(_when(thing)) for _, thing, _, _ in items}
    pubs = publications({w.team_id for w, _, _, _ in items if w.team_id}, weeks)
    now = timezone.now()
    rows = []
    for worker, thing, kind, detail in items:
        week = monday_of(_when(thing))
        if (worker.team_id, week) not in pubs:
            continue
        label = visit_label(thing) if isinstance(thing, Visit) else f"shift {shift_label(thing)}"
        summary = f"{RotaChange.Kind(kind).label}: {label}" + (f" ({detail})" if detail else "")
        rows.append(
            RotaChange(
                provider=provider,
                worker=worker,
                week=week,
                at=now,
                kind=kind,
                visit=thing if isinstance(thing, Visit) and thing.pk else None,
                summary=summary[:300],
            )
        )
    RotaChange.objects.bulk_create(rows)
    return len(rows)


def _when(thing) -> datetime:
    return thing.planned_start if isinstance(thing, Visit) else thing.start


def changes_since(worker: Worker, since: datetime | None) -> list[RotaChange]:
    qs = RotaChange.objects.filter(worker=worker).order_by("-at", "-id")
    if since is not None:
        qs = qs.filter(at__gt=since)
    return list(qs[:50])


def last_seen(worker: Worker) -> datetime | None:
    return RotaSeen.objects.filter(worker=worker).values_list("seen_at", flat=True).first()


@transaction.atomic
def rota_seen(*, worker: Worker, at: datetime | None = None) -> None:
    RotaSeen.objects.update_or_create(worker=worker, defaults={"seen_at": at or timezone.now()})
