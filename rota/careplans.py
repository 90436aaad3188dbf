"""Writes of care plans: a package's recurring visit slots. A slot is effective-dated: changing it from
a day ends the old slot the day before and starts a new one that `replaces` it, so the plan as it
was on any day stays readable, and the visits already made from the old slot are replaced (untouched
ones) by rota_generate."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outcomes.models import Package
from rota.plan_models import CarePlanSlot
from workforce.models import Team

# The window a slot may be placed in, either side of its start, unless given: 30 minutes, or 15 for a
# time-critical visit (medication, insulin) where a coordinator must not drift further.
WINDOW_MINUTES = 30
TIME_CRITICAL_WINDOW_MINUTES = 15
DAY_NAMES = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}
EDITABLE = (
    "days",
    "start",
    "earliest",
    "latest",
    "minutes",
    "carers_required",
    "skills",
    "outside_home",
    "tasks",
    "team",
)


def default_window(start: time, *, time_critical: bool = False) -> tuple[time, time]:
    """Earliest and latest start around `start`, kept inside the day."""
    width = TIME_CRITICAL_WINDOW_MINUTES if time_critical else WINDOW_MINUTES
    minute = start.hour * 60 + start.minute
    lo, hi = max(0, minute - width), min(23 * 60 + 59, minute + width)
    return time(lo // 60, lo % 60), time(hi // 60, hi % 60)


def _next_ref(package: Package) -> str:
    taken = set(CarePlanSlot.objects.filter(provider_id=package.provider_id).values_list("ref", flat=True))
    n = CarePlanSlot.objects.filter(package=package).count() + 1
    while f"{package.ref}-S{n}" in taken:
        n += 1
    return f"{package.ref}-S{n}"


def _check_team(package: Package, team: Team | None) -> None:
    if team is not None and team.provider_id != package.provider_id:
        raise ValidationError({"team": "Choose one of your own teams."})


def _check_dates(package: Package, valid_from: date, valid_until: date | None) -> None:
    if valid_from < package.start:
        raise ValidationError(
            {"valid_from": f"The package starts on {package.start:%-d %B %Y}: start the slot then or later."}
        )
    if package.end is not None and valid_from > package.end:
        raise ValidationError({"valid_from": f"The package ended on {package.end:%-d %B %Y}."})


@transaction.atomic
def care_plan_slot_add(
    *,
    actor=None,
    package: Package,
    days: Iterable[int],
    start: time,
    minutes: int,
    valid_from: date,
    carers_required: int = 1,
    earliest: time | None = None,
    latest: time | None = None,
    time_critical: bool = False,
    skills: Iterable[str] = (),
    outside_home: bool = False,
    tasks: str = "",
    valid_until: date | None = None,
    team: Team | None = None,
    ref: str | None = None,
    generate: bool = True,
) -> CarePlanSlot:
    """A new slot in the package's care plan; with `generate`, the weeks already generated for the
    provider get its visits at once (from today on)."""
    _check_team(package, team)
    _check_dates(package, valid_from, valid_until)
    lo, hi = default_window(start, time_critical=time_critical)
    slot = CarePlanSlot(
        provider_id=package.provider_id,
        ref=ref or _next_ref(package),
        package=package,
        team=team,
        days=sorted(set(days)),
        start=start,
        earliest=earliest or lo,
        latest=latest or hi,
        minutes=minutes,
        carers_required=carers_required,
        skills=[s.strip() for s in skills if s and s.strip()],
        outside_home=outside_home,
        tasks=tasks.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    with pghistory.context(user=getattr(actor, "pk", None)):
        slot.full_clean()
        slot.save()
    if generate:
        _regenerate(package, since=valid_from)
    return slot


@transaction.atomic
def care_plan_slot_change(*, actor=None, slot: CarePlanSlot, effective: date, generate: bool = True, **changes):
    """Change a slot from `effective` on. Before or on the slot's first day the slot itself changes;
    later, the slot ends the day before and a new slot with the changes takes over (returned)."""
    unknown = set(changes) - set(EDITABLE) - {"time_critical"}
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    time_critical = changes.pop("time_critical", False)
    if "start" in changes and ("earliest" not in changes or "latest" not in changes):
        lo, hi = default_window(changes["start"], time_critical=time_critical)
        changes.setdefault("earliest", lo)
        changes.setdefault("latest", hi)
    if "team" in changes:
        _check_team(slot.package, changes["team"])
    if "days" in changes:
        changes["days"] = sorted(set(changes["days"]))
    if slot.valid_until is not None and effective > slot.valid_until:
        raise ValidationError({"effective": "The slot has ended by then."})
    with pghistory.context(user=getattr(actor, "pk", None)):
        if effective <= slot.valid_from:
            for k, v in changes.items():
                setattr(slot, k, v)
            slot.full_clean()
            slot.save()
            result = slot
        else:
            new = CarePlanSlot(
                provider_id=slot.provider_id,
                ref=_next_ref(slot.package),
                package=slot.package,
                valid_from=effective,
                valid_until=slot.valid_until,
                replaces=slot,
                **{k: getattr(slot, k) for k in EDITABLE},
            )
            for k, v in changes.items():
                setattr(new, k, v)
            new.full_clean()
            slot.valid_until = effective - timedelta(days=1)
            slot.full_clean()
            slot.save(update_fields=["valid_until"])
            new.save()
            result = new
    if generate:
        _regenerate(slot.package, since=effective)
    return result


@transaction.atomic
def care_plan_slot_end(*, actor=None, slot: CarePlanSlot, last_day: date, generate: bool = True) -> CarePlanSlot | None:
    """The slot's last day. A slot ended before it began is deleted (with its untouched visits;
    returns None); otherwise its untouched visits after `last_day` go at the next generation, here
    at once when `generate`."""
    with pghistory.context(user=getattr(actor, "pk", None)):
        if last_day < slot.valid_from:
            from rota.generate import visits_untouched

            if slot.visits.exclude(pk__in=visits_untouched(slot.visits.all())).exists():
                raise ValidationError(
                    {"last_day": "Some of this slot's visits have happened or were changed by hand: end it instead."}
                )
            slot.visits.all().delete()
            slot.delete()
            return None
        slot.valid_until = last_day
        slot.full_clean()
        slot.save(update_fields=["valid_until"])
    if generate:
        _regenerate(slot.package, since=last_day + timedelta(days=1))
    return slot


def _regenerate(package: Package, *, since: date) -> None:
    """Bring the package's already generated weeks from `since` in line with its plan (from now on)."""
    from rota.generate import generated_weeks, rota_generate

    today = timezone.localdate()
    for monday in generated_weeks(provider_id=package.provider_id, since=max(since, today)):
        rota_generate(provider=package.provider, week=monday, packages=[package.pk])


def team_for_package(package: Package) -> Team | None:
    """The team a new slot of the package most likely belongs to: its other slots' team, else the team
    whose care workers visited the person most in the last 4 weeks, else the provider's only team."""
    from django.db.models import Count

    from rota.models import Attendance

    slot = CarePlanSlot.objects.filter(package=package, team__isnull=False).order_by("-valid_from").first()
    if slot is not None:
        return slot.team
    since = timezone.now() - timedelta(days=28)
    busiest = (
        Attendance.objects.filter(visit__person_id=package.person_id, check_in__gte=since, worker__team__isnull=False)
        .values("worker__team")
        .annotate(n=Count("id"))
        .order_by("-n", "worker__team")
        .first()
    )
    if busiest is not None:
        return Team.objects.get(pk=busiest["worker__team"])
    teams = list(Team.objects.filter(provider_id=package.provider_id)[:2])
    return teams[0] if len(teams) == 1 else None


def describe_skills(skills: Iterable[str]) -> str:
    """Skills in words: bundles often carry codes ("moving_and_handling" -> "moving and handling")."""
    return ", ".join(s.replace("_", " ") for s in skills)


def describe_days(days: Iterable[int]) -> str:
    """[1, 2, 3, 4, 5] -> 'Mon to Fri'; [1, 3] -> 'Mon, Wed'; every day -> 'Every day'."""
    ds = sorted(set(days))
    if ds == [1, 2, 3, 4, 5, 6, 7]:
        return "Every day"
    if len(ds) >= 3 and ds == list(range(ds[0], ds[-1] + 1)):
        return f"{DAY_NAMES[ds[0]]} to {DAY_NAMES[ds[-1]]}"
    return ", ".join(DAY_NAMES[d] for d in ds)


def local_start(day: date, at: time) -> datetime:
    """The aware datetime of a local wall time (the later of a repeated autumn hour, as the bundle)."""
    from homecare.lib.dates import LONDON

    return datetime.combine(day, at).replace(tzinfo=LONDON, fold=1)
