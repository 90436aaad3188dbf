"""Writes for weekly returns: compute a draft (versioned), sign it off, request a recompute, store its PDF.

Versioning rules (issue 4, item 3):
- no return yet for (contract, week): version 1 draft;
- a draft exists: it is recomputed in place (same data gives the same figures);
- the latest is submitted and the figures differ: version n+1 draft listing what changed;
- the latest is submitted and the figures are the same: nothing new, the submitted one is returned
  (and a leftover draft that has come back to the submitted figures is removed: it says nothing).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from commissioning.models import Contract, Role
from homecare.api_errors import DomainError
from homecare.lib.dates import iso_week
from reporting.models.returns import ReturnRun, WeeklyReturn

# Keys of the figures that identify the return rather than measure anything.
IDENTITY_KEYS = ("provider", "contract", "week")


def _lock_week(*, contract_id: int, week_start: date) -> None:
    """Serialise computations of one (contract, week) until the transaction ends, so two workers
    computing at once cannot both decide to create a draft (the partial unique constraint would
    make the second fail; the lock makes it wait and then update the first one's draft)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"reporting.weekly_return:{contract_id}:{week_start.isoformat()}"],
        )


def figure_leaves(figures: dict, prefix: str = "") -> dict[str, Any]:
    """Flatten figures to {"kpis.7.percent": value}. Lists (measure 9's cases) are one value:
    a changed list of cases is one change."""
    out: dict[str, Any] = {}
    for key, value in figures.items():
        if not prefix and key in IDENTITY_KEYS:
            continue
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.update(figure_leaves(value, path))
        else:
            out[path] = value
    return out


def figures_diff(old: dict, new: dict) -> list[dict]:
    """What changed from `old` to `new`: [{"figure", "old", "new"}], in a stable order."""
    a, b = figure_leaves(old), figure_leaves(new)
    return [
        {"figure": path, "old": a.get(path), "new": b.get(path)}
        for path in sorted(a.keys() | b.keys(), key=_natural)
        if a.get(path) != b.get(path)
    ]


def _natural(path: str) -> tuple:
    # "measures.10" after "measures.9": numbers sort as numbers.
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in path.split("."))


def _compute_figures(*, contract_id: int, week_start: date) -> dict:
    from reporting.returns.compute import compute_return_figures

    return compute_return_figures(contract_id=contract_id, week_start=week_start)


@transaction.atomic
def weekly_return_compute(*, contract_id: int, week_start: date, actor=None) -> WeeklyReturn:
    """Compute the return of `contract_id` for the week starting `week_start` (a Monday) and store it
    as a draft following the versioning rules above. One transaction: a worker killed half-way
    leaves nothing half-written."""
    if week_start.isoweekday() != 1:
        raise DomainError([{"path": "week", "message": "A reporting week starts on a Monday."}])
    contract = Contract.objects.get(pk=contract_id)
    _lock_week(contract_id=contract_id, week_start=week_start)
    figures = _compute_figures(contract_id=contract_id, week_start=week_start)

    versions = WeeklyReturn.objects.filter(contract_id=contract_id, week_start=week_start)
    draft = versions.filter(status=WeeklyReturn.Status.DRAFT).select_for_update().first()
    submitted = versions.filter(status=WeeklyReturn.Status.SUBMITTED).order_by("-version").first()

    if submitted is not None and figure_leaves(submitted.figures) == figure_leaves(figures):
        if draft is not None:
            draft.delete()
        return submitted

    now = timezone.now()
    if draft is not None:
        if draft.figures != figures:
            draft.figures = figures
            draft.changes = figures_diff(submitted.figures, figures) if submitted else []
            _drop_pdf(draft)  # the stored PDF shows the old figures: the worker renders it again
        draft.computed_at = now
        draft.full_clean()
        draft.save()
        return draft

    new = WeeklyReturn(
        provider_id=contract.provider_id,
        contract=contract,
        week=iso_week(week_start),
        week_start=week_start,
        version=(submitted.version + 1) if submitted else 1,
        status=WeeklyReturn.Status.DRAFT,
        figures=figures,
        changes=figures_diff(submitted.figures, figures) if submitted else [],
        computed_at=now,
    )
    new.full_clean()
    new.save()
    return new


def can_sign_off(actor, weekly_return: WeeklyReturn) -> bool:
    org = getattr(actor, "organisation", None)
    return (
        org is not None
        and org.is_provider
        and org.pk == weekly_return.provider_id
        and Role.PROVIDER_MANAGER in (getattr(actor, "roles", None) or [])
    )


def can_recompute(actor, contract: Contract) -> bool:
    """Providers recompute their own returns (any provider user, and the provider's API tokens)."""
    org = getattr(actor, "organisation", None)
    return org is not None and org.is_provider and org.pk == contract.provider_id


@transaction.atomic
def weekly_return_submit(*, weekly_return_id: int, actor, at: datetime | None = None) -> WeeklyReturn:
    """A provider manager signs the draft off: it becomes submitted and never changes again (a database
    trigger refuses it). Its PDF is rendered again by the worker so that it says "submitted". `at`
    (default now) is for the demo, which signs off past weeks as if on time."""
    wr = WeeklyReturn.objects.select_for_update().get(pk=weekly_return_id)
    if not can_sign_off(actor, wr):
        raise PermissionDenied("Only a manager of the provider can sign off its return.")
    if wr.status != WeeklyReturn.Status.DRAFT:
        raise DomainError([{"path": "status", "message": "This return has already been submitted."}])
    wr.status = WeeklyReturn.Status.SUBMITTED
    wr.submitted_at = at or timezone.now()
    wr.submitted_by = actor
    _drop_pdf(wr)  # it says "draft"
    wr.full_clean()
    wr.save()
    return_pdf_request(weekly_return_id=wr.pk)
    return wr


def _drop_pdf(wr: WeeklyReturn) -> None:
    """Forget a return's stored PDF; its file is deleted once the transaction commits (if it rolls
    back, the row still points at the file, which must then still be there)."""
    if wr.pdf:
        storage, name = wr.pdf.storage, wr.pdf.name
        transaction.on_commit(lambda: storage.delete(name))
    wr.pdf = ""


def _enqueue_pdf(weekly_return_id: int) -> None:
    from reporting.returns.tasks import render_return_pdf

    transaction.on_commit(lambda: render_return_pdf.delay(weekly_return_id))


def return_pdf_request(*, weekly_return_id: int) -> bool:
    """Ask the worker for a missing PDF (for returns computed outside a run, e.g. on the command line).

    Once per version of the return, whoever asks and however often: each GET of a return without its
    PDF used to queue another WeasyPrint task, so a script polling the PDF could fill the queue. The
    claim is a key in the shared cache (Redis) naming the row as it is now (id, status, computed_at:
    a recomputed draft or a sign-off is new content and gets its own task); `cache.add` sets it only
    if absent, atomically across web processes. It expires after the task time limit, so a task lost
    with its queue is asked for again. Returns True when this call queued the task."""
    row = WeeklyReturn.objects.filter(pk=weekly_return_id).values("pdf", "status", "computed_at").first()
    if row is None or row["pdf"]:
        return False
    key = f"return-pdf:{weekly_return_id}:{row['status']}:{row['computed_at'].timestamp()}"
    if not cache.add(key, 1, timeout=settings.CELERY_TASK_TIME_LIMIT):
        return False
    _enqueue_pdf(weekly_return_id)
    return True


@transaction.atomic
def return_run_request(*, contract: Contract, week_start: date, actor) -> ReturnRun:
    """Queue a (re)computation of one week, which the user can watch. The worker starts after commit."""
    if not can_recompute(actor, contract):
        raise PermissionDenied("Only the provider can recompute its return.")
    if week_start.isoweekday() != 1:
        raise DomainError([{"path": "week", "message": "A reporting week starts on a Monday."}])
    run = ReturnRun(
        provider_id=contract.provider_id,
        contract=contract,
        week_start=week_start,
        requested_by=actor if getattr(actor, "pk", None) and hasattr(actor, "email") else None,
    )
    run.full_clean()
    run.save()
    from reporting.returns.tasks import compute_return

    transaction.on_commit(lambda: compute_return.delay(run.pk))
    return run


def return_run_progress(*, run_id: int, state: str, progress: int, message: str = "", result_id=None) -> None:
    """Progress is written outside the computing transaction so the user sees it while it runs."""
    fields: dict[str, Any] = {"state": state, "progress": progress, "message": message, "updated": timezone.now()}
    if result_id is not None:
        fields["result_id"] = result_id
    ReturnRun.objects.filter(pk=run_id).update(**fields)


def weekly_return_render_pdf(*, weekly_return_id: int) -> bool:
    """Render and store the PDF if it is missing (worker only: WeasyPrint is slow). Safe to run twice:
    a PDF already stored is kept. Returns True when it stored one."""
    from homecare.lib.pdf import render_pdf
    from reporting.returns.display import pdf_context

    wr = WeeklyReturn.objects.select_related("contract", "provider").filter(pk=weekly_return_id).first()
    if wr is None or wr.pdf:
        return False
    content = render_pdf("reporting/returns/return_pdf.html", pdf_context(wr))
    name = f"{wr.contract.ref}-{wr.week}-v{wr.version}-{wr.status}.pdf"
    wr.pdf.save(name, ContentFile(content), save=False)
    # A conditional update: if the figures were recomputed meanwhile (pdf cleared, computed_at moved)
    # or another worker stored one first, this PDF is stale or redundant and is not attached.
    stored = WeeklyReturn.objects.filter(pk=wr.pk, pdf="", computed_at=wr.computed_at, status=wr.status).update(
        pdf=wr.pdf.name
    )
    if not stored:
        wr.pdf.storage.delete(wr.pdf.name)
    return bool(stored)
