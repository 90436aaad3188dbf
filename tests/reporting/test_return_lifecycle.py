"""A return's life: computed as a draft, recomputed in place, signed off, versioned after late data,
never changed once submitted (on any path), and one draft even when two workers compute at once.

Scenario (worked by hand): contract C-P1 starts 2025-07-07; week 2025-W37 runs Monday 8 to Sunday
14 September 2025. Ann (lot 1) has a 10-hour package from Tuesday 9 September. Late data: Bob (lot 1)
has a 5.5-hour package from Wednesday 10 September. Nobody has reviews, visits or referrals."""

from __future__ import annotations

import io
import threading
import time
from datetime import UTC, date
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from homecare.api_errors import DomainError
from outcomes.models import Package, Person
from reporting.models.returns import WeeklyReturn
from reporting.returns.services import weekly_return_compute, weekly_return_submit
from tests.conftest import make_user
from tests.reporting.test_return_outputs import stored_return

WEEK = date(2025, 9, 8)


def add_package(contract, ref: str, start: date, hours: str, lot: int = 1) -> Package:
    person = Person.objects.create(provider=contract.provider, ref=ref, contract=contract, lot=lot)
    return Package.objects.create(
        provider=contract.provider,
        ref=f"PK-{ref}",
        person=person,
        lot=lot,
        start=start,
        planned_weekly_hours=Decimal(hours),
    )


@pytest.fixture
def ann(contract):
    return add_package(contract, "ANN", date(2025, 9, 9), "10.00")


def test_first_compute_makes_a_version_1_draft_with_the_weeks_figures(contract, ann):
    wr = weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    assert (wr.version, wr.status, wr.week, wr.changes) == (1, "draft", "2025-W37", [])
    m = wr.figures["measures"]
    assert m["1"]["lot1"]["packages_started"] == 1 and m["1"]["lot2"]["packages_started"] == 0
    assert m["2"]["lot1"]["hours_started"] == "10.00"
    assert m["5"]["people_supported"] == 1
    assert m["10"]["care_plan_hours"] == "10.00"
    assert wr.figures["kpis"]["7"]["percent"] is None  # no visits: no data, not 0%


def test_recomputing_a_draft_with_the_same_data_updates_it_in_place(contract, ann):
    first = weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    again = weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    assert again.pk == first.pk and again.figures == first.figures
    assert WeeklyReturn.objects.filter(contract=contract, week_start=WEEK).count() == 1


def test_a_draft_recomputed_after_late_data_takes_the_new_figures_without_a_new_version(contract, ann):
    first = weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    add_package(contract, "BOB", date(2025, 9, 10), "5.50")
    again = weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    assert again.pk == first.pk and again.version == 1 and again.changes == []
    assert again.figures["measures"]["1"]["lot1"]["packages_started"] == 2


def test_late_data_after_sign_off_makes_version_2_listing_what_changed(contract, ann, manager):
    v1 = weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    weekly_return_submit(weekly_return_id=v1.pk, actor=manager)
    # Same data: the submitted return stands, no new version.
    same = weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    assert same.pk == v1.pk and same.status == "submitted"

    add_package(contract, "BOB", date(2025, 9, 10), "5.50")
    v2 = weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    assert (v2.version, v2.status) == (2, "draft")
    changes = {c["figure"]: (c["old"], c["new"]) for c in v2.changes}
    assert changes["measures.1.lot1.packages_started"] == (1, 2)
    assert changes["measures.2.lot1.hours_started"] == ("10.00", "15.50")
    assert changes["measures.5.people_supported"] == (1, 2)
    assert changes["measures.10.care_plan_hours"] == ("10.00", "15.50")
    # Ann and Bob are both active on Sunday with no review overdue: KPI 5 goes 1/1 -> 2/2, still 100%.
    assert changes["kpis.5.numerator"] == (1, 2) and changes["kpis.5.denominator"] == (1, 2)
    assert "kpis.5.percent" not in changes and "measures.1.lot2.packages_started" not in changes
    assert all(old != new for old, new in changes.values())

    # Version 1 is still there, unchanged and readable.
    v1.refresh_from_db()
    assert v1.status == "submitted" and v1.figures["measures"]["1"]["lot1"]["packages_started"] == 1
    # Recomputing version 2 again keeps one draft.
    again = weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    assert again.pk == v2.pk
    assert WeeklyReturn.objects.filter(contract=contract, week_start=WEEK).count() == 2


def test_a_draft_that_comes_back_to_the_submitted_figures_is_dropped(contract, ann, manager):
    v1 = weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    weekly_return_submit(weekly_return_id=v1.pk, actor=manager)
    bob = add_package(contract, "BOB", date(2025, 9, 10), "5.50")
    weekly_return_compute(contract_id=contract.pk, week_start=WEEK)  # v2 draft
    bob.delete()  # the late record was a mistake
    result = weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    assert result.pk == v1.pk
    assert list(WeeklyReturn.objects.filter(contract=contract, week_start=WEEK).values_list("version", "status")) == [
        (1, "submitted")
    ]


def test_only_a_manager_of_the_provider_signs_off_and_only_once(contract, ann, manager, coordinator, other_provider):
    wr = weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    with pytest.raises(PermissionDenied):
        weekly_return_submit(weekly_return_id=wr.pk, actor=coordinator)
    with pytest.raises(PermissionDenied):
        weekly_return_submit(weekly_return_id=wr.pk, actor=make_user(other_provider, "provider_manager"))
    done = weekly_return_submit(weekly_return_id=wr.pk, actor=manager)
    assert done.status == "submitted" and done.submitted_by == manager and done.submitted_at is not None
    with pytest.raises(DomainError):
        weekly_return_submit(weekly_return_id=wr.pk, actor=manager)


def test_a_compute_that_fails_half_way_leaves_the_draft_as_it_was(contract, ann):
    wr = weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    add_package(contract, "BOB", date(2025, 9, 10), "5.50")
    with mock.patch.object(WeeklyReturn, "save", side_effect=DatabaseError("worker killed")):
        with pytest.raises(DatabaseError):
            weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    wr.refresh_from_db()
    assert wr.figures["measures"]["1"]["lot1"]["packages_started"] == 1


def test_a_week_must_start_on_a_monday(contract):
    with pytest.raises(DomainError):
        weekly_return_compute(contract_id=contract.pk, week_start=date(2025, 9, 9))


# --- a submitted return never changes, whatever the path ---------------------------------------


@pytest.fixture
def submitted(contract):
    return stored_return(contract, status="submitted")


def _refused(fn) -> None:
    with pytest.raises(DatabaseError):
        with transaction.atomic():
            fn()


def test_orm_save_update_and_delete_of_a_submitted_return_are_refused(submitted):
    before = WeeklyReturn.objects.get(pk=submitted.pk).figures

    def save():
        submitted.figures = {**submitted.figures, "week": "2025-W99"}
        submitted.save()

    _refused(save)
    _refused(lambda: WeeklyReturn.objects.filter(pk=submitted.pk).update(status="draft"))
    _refused(lambda: WeeklyReturn.objects.filter(pk=submitted.pk).update(changes=[{"figure": "x"}]))
    _refused(lambda: WeeklyReturn.objects.filter(pk=submitted.pk).delete())
    with connection.cursor() as cur:
        _refused(lambda: cur.execute("UPDATE reporting_weeklyreturn SET version = 9 WHERE id = %s", [submitted.pk]))
    assert WeeklyReturn.objects.get(pk=submitted.pk).figures == before


def test_a_submitted_return_accepts_its_pdf_once_and_nothing_with_it(submitted):
    _refused(lambda: WeeklyReturn.objects.filter(pk=submitted.pk).update(pdf="returns/a.pdf", version=5))
    WeeklyReturn.objects.filter(pk=submitted.pk).update(pdf="returns/a.pdf")
    _refused(lambda: WeeklyReturn.objects.filter(pk=submitted.pk).update(pdf="returns/b.pdf"))
    assert WeeklyReturn.objects.get(pk=submitted.pk).pdf.name == "returns/a.pdf"


def test_the_admin_cannot_change_or_delete_a_submitted_return(client, submitted):
    """A superuser's valid change form and delete confirmation reach the database, which refuses them."""
    import json

    from commissioning.models import User

    admin = User.objects.create_superuser(email="root@platform.example", password="pw")
    client.force_login(admin)
    local = timezone.localtime(submitted.computed_at)
    form = {
        "provider": submitted.provider_id,
        "contract": submitted.contract_id,
        "week": submitted.week,
        "week_start": submitted.week_start.isoformat(),
        "version": 7,
        "status": "draft",
        "figures": json.dumps(submitted.figures),
        "changes": "[]",
        "computed_at_0": local.date().isoformat(),
        "computed_at_1": local.time().replace(microsecond=0).isoformat(),
        "submitted_at_0": "",
        "submitted_at_1": "",
        "submitted_by": "",
    }
    with pytest.raises(DatabaseError, match="Cannot update"):
        client.post(f"/admin/reporting/weeklyreturn/{submitted.pk}/change/", form)
    with pytest.raises(DatabaseError, match="Cannot delete"):
        client.post(f"/admin/reporting/weeklyreturn/{submitted.pk}/delete/", {"post": "yes"})
    submitted.refresh_from_db()
    assert (submitted.version, submitted.status) == (1, "submitted")


def test_the_sign_off_page_does_not_change_a_submitted_return(client, manager, submitted):
    client.force_login(manager)
    client.post(f"/reporting/returns/{submitted.pk}/sign-off/")
    before = submitted.submitted_at
    submitted.refresh_from_db()
    assert submitted.submitted_at == before and submitted.status == "submitted"


# --- two workers at once --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_workers_computing_the_same_week_at_once_leave_one_draft(contract, ann):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(weekly_return_compute(contract_id=contract.pk, week_start=WEEK).pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    # Widen the race: each computation takes half a second, so both are in flight together.
    from reporting.returns import services

    real = services._compute_figures

    def slow(**kwargs):
        figures = real(**kwargs)
        time.sleep(0.5)
        return figures

    with mock.patch.object(services, "_compute_figures", side_effect=slow):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert errors == []
    assert len(set(results)) == 1
    assert WeeklyReturn.objects.filter(contract=contract, week_start=WEEK, status="draft").count() == 1


# --- the recompute task, run eagerly -----------------------------------------------------------------


def test_a_run_reports_done_with_its_return_or_failed_without_the_exception_text(
    contract, ann, manager, settings, tmp_path
):
    from reporting.models.returns import ReturnRun
    from reporting.returns import services
    from reporting.returns.tasks import compute_return

    settings.MEDIA_ROOT = tmp_path
    run = ReturnRun.objects.create(provider=contract.provider, contract=contract, week_start=WEEK)
    compute_return.apply(args=[run.pk])
    run.refresh_from_db()
    assert (run.state, run.progress, run.message) == ("done", 100, "Done")
    assert run.result.figures["measures"]["1"]["lot1"]["packages_started"] == 1 and run.result.pdf

    broken = ReturnRun.objects.create(provider=contract.provider, contract=contract, week_start=date(2025, 9, 15))
    with mock.patch.object(services, "_compute_figures", side_effect=LookupError("no contract 0")):
        with pytest.raises(LookupError):  # not transient: not retried, the error is the task's result
            compute_return.apply(args=[broken.pk])
    broken.refresh_from_db()
    # The reason goes to the worker's log; the page says so without quoting the exception.
    assert broken.state == "failed" and "no contract 0" not in broken.message
    assert broken.message == f"The figures could not be computed. The error is in the worker's log (run {broken.pk})."


def test_each_figure_links_to_the_records_behind_it(client, manager, contract, ann):
    from django.urls import reverse

    wr = weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    client.force_login(manager)
    url = reverse("reporting:return_records", args=[wr.pk, "measures.1.lot1.packages_started"])
    assert url in client.get(reverse("reporting:return_detail", args=[wr.pk])).content.decode()
    page = client.get(url).content.decode()
    assert "PK-ANN" in page and "1 record" in page


def test_setup_periodic_tasks_registers_the_beat_schedule_once(db):
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    call_command("setup_periodic_tasks", stdout=io.StringIO())
    call_command("setup_periodic_tasks", stdout=io.StringIO())  # run.sh calls it on every start
    tasks = {t.task: t.crontab for t in PeriodicTask.objects.select_related("crontab")}
    assert len(tasks) == 5
    nightly = tasks["rota.tasks.generate_ahead"]
    assert (nightly.minute, nightly.hour, nightly.day_of_week) == ("30", "2", "*")
    monday = tasks["reporting.returns.tasks.compute_last_week_drafts"]
    assert (monday.minute, monday.hour, monday.day_of_week, str(monday.timezone)) == ("0", "3", "1", "Europe/London")
    daily = tasks["reporting.money.tasks.compute_period_end_drafts"]
    assert (daily.minute, daily.hour, daily.day_of_week, str(daily.timezone)) == ("0", "4", "*", "Europe/London")
    submit = tasks["outcomes.tasks.submit_due_changes"]
    assert (submit.minute, submit.hour, submit.day_of_week, str(submit.timezone)) == ("0", "6", "*", "Europe/London")
    notices = tasks["outcomes.tasks.notify_reviews_due"]
    assert (notices.minute, notices.hour, notices.day_of_week) == ("15", "6", "*")


def test_last_week_is_the_london_week_before_the_current_one():
    from datetime import datetime

    from reporting.returns.tasks import last_week_start

    # Monday 03:00 London in summer is Monday 02:00 UTC; Sunday 23:30 UTC in winter is still Sunday.
    assert last_week_start(datetime(2025, 9, 15, 2, 0, tzinfo=UTC)) == date(2025, 9, 8)
    assert last_week_start(datetime(2025, 11, 16, 23, 30, tzinfo=UTC)) == date(2025, 11, 3)
    # Just after midnight on a summer Monday in London is still Sunday in UTC.
    assert last_week_start(datetime(2025, 9, 14, 23, 30, tzinfo=UTC)) == date(2025, 9, 8)


def test_a_superseded_pdf_is_deleted_once_the_new_figures_are_saved(contract, ann, django_capture_on_commit_callbacks):
    """Late data changes the draft: its stored PDF shows the old figures, so the file goes (no pile
    of stale PDFs on disk); the worker renders a new one."""
    from django.core.files.base import ContentFile

    wr = weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    wr.pdf.save("returns/old-draft.pdf", ContentFile(b"%PDF old figures"), save=True)
    storage, name = wr.pdf.storage, wr.pdf.name
    assert storage.exists(name)
    add_package(contract, "BOB", date(2025, 9, 10), "5.50")
    with django_capture_on_commit_callbacks(execute=True):
        again = weekly_return_compute(contract_id=contract.pk, week_start=WEEK)
    assert again.pk == wr.pk and not again.pdf
    assert not storage.exists(name)
