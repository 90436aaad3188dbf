"""A real Celery worker on a real Redis computes returns end to end: the recompute a user asks for
(progress, figures, stored PDF), the PDF re-rendered after sign-off, and Monday's fan-out.

Scenario: Ann (lot 1) has a 10-hour package from Tuesday 9 September 2025, in week 2025-W37."""

from __future__ import annotations

import subprocess
import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from outcomes.models import Package, Person
from reporting.models.returns import ReturnRun, WeeklyReturn
from reporting.returns.services import return_run_request, weekly_return_submit
from reporting.returns.tasks import compute_last_week_drafts, compute_return, last_week_start

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WEEK = date(2025, 9, 8)


@pytest.fixture
def ann(contract):
    person = Person.objects.create(provider=contract.provider, ref="ANN", contract=contract, lot=1)
    return Package.objects.create(
        provider=contract.provider,
        ref="PK-ANN",
        person=person,
        lot=1,
        start=date(2025, 9, 9),
        planned_weekly_hours=Decimal("10.00"),
    )


def wait_for(predicate, worker, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"the worker did not finish in {timeout} s; its log:\n{worker.output()[-3000:]}")


def pdf_text(wr: WeeklyReturn) -> str:
    return subprocess.run(["pdftotext", wr.pdf.path, "-"], capture_output=True, text=True, check=True).stdout


def test_a_requested_recompute_runs_in_the_worker_and_stores_the_return_and_its_pdf(
    celery_worker_process, contract, ann, manager
):
    with transaction.atomic():  # the task is sent only when this commits
        run = return_run_request(contract=contract, week_start=WEEK, actor=manager)
    done = wait_for(lambda: ReturnRun.objects.filter(pk=run.pk, state="done").first(), celery_worker_process)
    assert done.progress == 100 and done.result_id is not None
    wr = WeeklyReturn.objects.get(pk=done.result_id)
    assert (wr.week, wr.version, wr.status) == ("2025-W37", 1, "draft")
    assert wr.figures["measures"]["1"]["lot1"]["packages_started"] == 1
    assert wr.figures["measures"]["2"]["lot1"]["hours_started"] == "10.00"
    text = pdf_text(wr)
    assert "Monitoring return 2025-W37" in text and "DRAFT" in text and "Scheduled visits completed" in text

    # Delivered twice (acks_late, a retry): still one draft, the same one.
    compute_return.delay(run.pk).get(timeout=30)
    assert list(WeeklyReturn.objects.filter(contract=contract, week_start=WEEK).values_list("pk", flat=True)) == [wr.pk]

    # Signed off: the worker renders the PDF again, once, so that it says "submitted".
    with transaction.atomic():
        weekly_return_submit(weekly_return_id=wr.pk, actor=manager)
    submitted = wait_for(
        lambda: WeeklyReturn.objects.filter(pk=wr.pk).exclude(pdf="").first(), celery_worker_process, timeout=30
    )
    assert submitted.status == "submitted" and "SUBMITTED" in pdf_text(submitted)


def test_mondays_beat_task_fans_out_last_weeks_draft_for_every_active_contract(
    celery_worker_process, contract, other_contract
):
    assert compute_last_week_drafts.delay().get(timeout=30) == 2
    week = last_week_start()
    drafts = wait_for(
        lambda: (
            list(WeeklyReturn.objects.filter(week_start=week).exclude(pdf=""))
            if WeeklyReturn.objects.filter(week_start=week).exclude(pdf="").count() == 2
            else None
        ),
        celery_worker_process,
    )
    assert {d.contract.ref for d in drafts} == {"C-P1", "C-P2"}
    assert all(d.status == "draft" and d.version == 1 for d in drafts)
