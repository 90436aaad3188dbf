"""Writes of the rota board: planned assignments (the one way a care worker is planned on a visit:
the board, its keyboard path, the API and a planner's proposal all come here), shifts, and a
coordinator's change to a visit's time. Every assignment is checked by rota.checks first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from rota.checks import Facts, Finding, refusals, worker_name
from rota.models import Shift, Visit
from rota.plan_models import Assignment, RotaChange
from rota.publishing import record_changes, shift_label
from workforce.models import Worker

# Refusals about the visit itself are reported against the visit, the rest against the worker.
VISIT_CODES = {"carers_full", "not_open"}


class Refused(Exception):
    """The rules said no: `findings` are the refusals (each with a clear message)."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("; ".join(f.message for f in findings))

    def errors(self) -> list[dict]:
        return [{"path": "visit" if f.code in VISIT_CODES else "worker", "message": f.message} for f in self.findings]


@dataclass
class Outcome:
    assignment: Assignment
    warnings: list[Finding] = field(default_factory=list)


def _user(actor):
    return actor if getattr(actor, "email", None) and getattr(actor, "pk", None) else None


def _lock(visit: Visit, *workers: Worker) -> Visit:
    """Serialise writers of one visit, and of one worker's day (two coordinators on one board)."""
    visit = Visit.objects.select_for_update(of=("self",)).select_related("person", "slot").get(pk=visit.pk)
    list(Worker.objects.select_for_update().filter(pk__in=[w.pk for w in workers]).order_by("pk").values_list("pk"))
    return visit


def check(*, visit: Visit, worker: Worker) -> list[Finding]:
    """What the rules say about planning `worker` on `visit` now (nothing is written)."""
    if worker.provider_id != visit.provider_id:
        return [Finding("not_found", "No such care worker.", "refusal")]
    facts = Facts(workers=[worker], day=timezone.localdate(visit.planned_start), visits=[visit])
    return facts.findings(visit, worker, adding=True)


@transaction.atomic
def assignment_add(*, actor=None, visit: Visit, worker: Worker, replacing: Assignment | None = None) -> Outcome:
    """Plan `worker` on `visit`; with `replacing`, in place of that assignment (a move between
    workers: refused, the old one stays). Raises Refused."""
    if worker.provider_id != visit.provider_id:
        raise Refused([Finding("not_found", "No such care worker.", "refusal")])
    visit = _lock(visit, worker, *([replacing.worker] if replacing else []))
    if replacing is not None:
        if replacing.visit_id != visit.pk:
            raise ValidationError({"replacing": "That assignment is for another visit."})
        if replacing.worker_id == worker.pk:
            return Outcome(replacing, [])
        # By key, not the instance: a refusal rolls the delete back, the caller's object stays usable.
        if not Assignment.objects.filter(pk=replacing.pk).delete()[0]:
            raise ValidationError({"replacing": "That assignment no longer exists."})
    findings = check(visit=visit, worker=worker)
    refused = refusals(findings)
    if refused:
        raise Refused(refused)
    assignment = Assignment(provider_id=visit.provider_id, visit=visit, worker=worker, created_by=_user(actor))
    assignment.full_clean()
    assignment.save()
    changes = [(worker, visit, RotaChange.Kind.ASSIGNED, "")]
    if replacing is not None:
        changes.append((replacing.worker, visit, RotaChange.Kind.UNASSIGNED, f"given to {worker_name(worker)}"))
    record_changes(provider=visit.provider, items=changes)
    return Outcome(assignment, [f for f in findings if f.kind != "refusal"])


@transaction.atomic
def assignment_remove(*, actor=None, assignment: Assignment) -> None:
    visit = _lock(assignment.visit, assignment.worker)
    worker = assignment.worker
    Assignment.objects.filter(pk=assignment.pk).delete()
    record_changes(provider=visit.provider, items=[(worker, visit, RotaChange.Kind.UNASSIGNED, "")])


@transaction.atomic
def visit_reschedule(*, actor=None, visit: Visit, start: datetime, minutes: int) -> Visit:
    """A coordinator moves a visit in time or changes its length. It is then the coordinator's, not
    the care plan's (rota_generate leaves it alone). Refused when a planned worker would overlap."""
    visit = _lock(visit)
    if visit.status != Visit.Status.SCHEDULED or visit.attendances.exists():
        raise ValidationError({"start": "Only a visit that has not happened can be moved."})
    if not 5 <= minutes <= 720:
        raise ValidationError({"minutes": "Enter a length from 5 to 720 minutes."})
    old_start = visit.planned_start
    visit.planned_start, visit.planned_end = start, start + timedelta(minutes=minutes)
    visit.hand_edited = True
    workers = [a.worker for a in visit.assignments.select_related("worker")]
    if workers:
        facts = Facts(workers=workers, day=timezone.localdate(start), visits=[visit])
        facts.visits[visit.pk] = visit
        for w in workers:
            facts.planned[w.pk] = [visit if v.pk == visit.pk else v for v in facts.planned[w.pk]]
            clash = [f for f in facts.findings(visit, w, adding=False) if f.code in ("overlap", "absent")]
            if clash:
                raise ValidationError({"start": clash[0].message})
    visit.full_clean()
    visit.save(update_fields=["planned_start", "planned_end", "hand_edited"])
    detail = f"was {timezone.localtime(old_start):%H:%M}, now {timezone.localtime(start):%H:%M}, {minutes} min"
    record_changes(provider=visit.provider, items=[(w, visit, RotaChange.Kind.VISIT_CHANGED, detail) for w in workers])
    return visit


def _shift_ref(worker: Worker, start: datetime) -> str:
    base = f"SH-{worker.ref}-{timezone.localtime(start):%Y%m%d%H%M}"
    ref, n = base, 1
    while Shift.objects.filter(provider_id=worker.provider_id, ref=ref).exists():
        n += 1
        ref = f"{base}-{n}"
    return ref


def _save_shift(shift: Shift, fields: list[str] | None = None) -> None:
    if shift.end <= shift.start:
        raise ValidationError({"end": "The shift must end after it starts."})
    if shift.end - shift.start > timedelta(hours=16):
        raise ValidationError({"end": "A shift is at most 16 hours long."})
    if shift.unpaid_break_minutes * 60 >= (shift.end - shift.start).total_seconds():
        raise ValidationError({"unpaid_break_minutes": "The break is longer than the shift."})
    clash = (
        Shift.objects.filter(worker_id=shift.worker_id, start__lt=shift.end, end__gt=shift.start)
        .exclude(pk=shift.pk)
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {"start": f"{worker_name(shift.worker)} already has a shift then ({shift_label(clash)})."}
        )
    shift.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            shift.save(update_fields=fields) if fields else shift.save()
    except IntegrityError:  # a shift saved by someone else in between
        raise ValidationError({"start": f"{worker_name(shift.worker)} already has a shift then."}) from None


@transaction.atomic
def shift_add(
    *,
    actor=None,
    worker: Worker,
    start: datetime,
    end: datetime,
    unpaid_break_minutes: int = 0,
    kind: str = Shift.Kind.CARE,
    ref: str | None = None,
) -> Shift:
    list(Worker.objects.select_for_update().filter(pk=worker.pk).values_list("pk"))
    shift = Shift(
        provider_id=worker.provider_id,
        ref=ref or _shift_ref(worker, start),
        worker=worker,
        start=start,
        end=end,
        unpaid_break_minutes=unpaid_break_minutes,
        kind=kind,
    )
    if Shift.objects.filter(provider_id=worker.provider_id, ref=shift.ref).exists():
        raise ValidationError({"ref": "A shift with this reference already exists."})
    _save_shift(shift)
    record_changes(provider=worker.provider, items=[(worker, shift, RotaChange.Kind.SHIFT_ADDED, "")])
    return shift


@transaction.atomic
def shift_change(*, actor=None, shift: Shift, **changes) -> Shift:
    """Change a shift's start, end, unpaid break or kind (its pay follows: the totals are kept by
    the database)."""
    allowed = {"start", "end", "unpaid_break_minutes", "kind"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({k: "This cannot be changed." for k in unknown})
    list(Worker.objects.select_for_update().filter(pk=shift.worker_id).values_list("pk"))
    before = shift_label(shift)
    for k, v in changes.items():
        setattr(shift, k, v)
    _save_shift(shift, fields=sorted(changes) or None)
    record_changes(
        provider=shift.worker.provider, items=[(shift.worker, shift, RotaChange.Kind.SHIFT_CHANGED, f"was {before}")]
    )
    return shift
