"""Celery shells for this part of reporting: take ids, call one service.

Every task is safe to run twice (the compute service upserts under a lock, the PDF is stored only if
missing) and to be killed half-way (each write is one transaction; acks_late re-delivers the task).
Only transient database errors are retried, with exponential backoff."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from celery import shared_task
from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from homecare.api_errors import DomainError
from homecare.lib.dates import LONDON

logger = logging.getLogger(__name__)
FAILED_MESSAGE = "The figures could not be computed. The error is in the worker's log (run {run_id})."

__all__ = ["compute_last_week_drafts", "compute_week_draft", "compute_return", "render_return_pdf"]

RETRY = dict(
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
    acks_late=True,
)


def last_week_start(now=None) -> date:
    """The Monday of the reporting week before the current one, in London time."""
    today = (now or timezone.now()).astimezone(LONDON).date()
    return today - timedelta(days=today.weekday() + 7)


@shared_task(**RETRY)
def compute_last_week_drafts() -> int:
    """Beat, early each Monday: last week's draft for every contract active in it, one task each."""
    from commissioning.models import Contract

    week_start = last_week_start()
    week_end = week_start + timedelta(days=6)
    ids = list(
        Contract.objects.filter(Q(end__isnull=True) | Q(end__gte=week_start), start__lte=week_end).values_list(
            "pk", flat=True
        )
    )
    for contract_id in ids:
        compute_week_draft.delay(contract_id, week_start.isoformat())
    return len(ids)


@shared_task(**RETRY)
def compute_week_draft(contract_id: int, week_start: str) -> int:
    from reporting.returns.services import weekly_return_compute, weekly_return_render_pdf

    wr = weekly_return_compute(contract_id=contract_id, week_start=date.fromisoformat(week_start))
    weekly_return_render_pdf(weekly_return_id=wr.pk)
    return wr.pk


@shared_task(bind=True, **RETRY)
def compute_return(self, run_id: int) -> int | None:
    """A requested recompute, reporting its progress on the ReturnRun the user is watching."""
    from reporting.models.returns import ReturnRun
    from reporting.returns.services import return_run_progress, weekly_return_compute, weekly_return_render_pdf

    run = ReturnRun.objects.filter(pk=run_id).first()
    if run is None:
        return None
    if run.state == ReturnRun.State.DONE and run.result_id:
        return run.result_id  # delivered twice: the work is done
    return_run_progress(run_id=run_id, state=ReturnRun.State.RUNNING, progress=10, message="Computing the figures")
    try:
        wr = weekly_return_compute(contract_id=run.contract_id, week_start=run.week_start)
        return_run_progress(
            run_id=run_id, state=ReturnRun.State.RUNNING, progress=60, message="Rendering the PDF", result_id=wr.pk
        )
        weekly_return_render_pdf(weekly_return_id=wr.pk)
    except OperationalError:
        if self.request.retries >= self.max_retries:
            return_run_progress(run_id=run_id, state=ReturnRun.State.FAILED, progress=100, message="Database error")
        else:
            return_run_progress(run_id=run_id, state=ReturnRun.State.QUEUED, progress=0, message="Retrying shortly")
        raise
    except Exception as exc:
        # The page shows a plain message; the exception itself (which may quote data or SQL) goes to
        # the worker's log, under the run's number.
        logger.exception("return run %s failed", run_id)
        message = str(exc)[:500] if isinstance(exc, DomainError) else FAILED_MESSAGE.format(run_id=run_id)
        return_run_progress(run_id=run_id, state=ReturnRun.State.FAILED, progress=100, message=message)
        raise
    return_run_progress(run_id=run_id, state=ReturnRun.State.DONE, progress=100, message="Done", result_id=wr.pk)
    return wr.pk


@shared_task(**RETRY)
def render_return_pdf(weekly_return_id: int) -> bool:
    from reporting.returns.services import weekly_return_render_pdf

    with transaction.atomic():
        return weekly_return_render_pdf(weekly_return_id=weekly_return_id)
