"""Completing reviews with the Outcomes Tool, scheduling the next one, assessments on their own, and
the notices of reviews due. Today is Wednesday 10 September 2025."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from pghistory.models import Events

from commissioning.models import Notification, Role
from outcomes.models import OutcomeAssessment, Package, Review
from outcomes.services import outcome_assessment_record, review_complete, reviews_notify_due
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
TODAY = date(2025, 9, 10)
SCORES = {"wellbeing_independence": 3, "home": 4, "community": 2}


@pytest.fixture
def review(pk1):
    return Review.objects.create(provider=pk1.provider, ref="RV1", package=pk1, kind="provider", due=date(2025, 9, 12))


def complete(actor, review, **kw):
    args = dict(completed=TODAY, scores=SCORES, opted_out=False, progress=True, notes="Walks to the shop again.")
    args.update(kw)
    return review_complete(actor=actor, review=review, today=TODAY, **args)


def test_completing_a_review_records_the_scores_and_schedules_the_next(assessor, review, ann):
    done = complete(assessor, review)
    assert (done.completed, done.progress, done.notes, done.completed_by) == (
        TODAY,
        True,
        "Walks to the shop again.",
        assessor,
    )
    a = OutcomeAssessment.objects.get(person=ann)
    assert (a.date, a.wellbeing_independence, a.home, a.community, a.recorded_by) == (TODAY, 3, 4, 2, assessor)
    assert done.assessment == a
    # 10 Sep + 122 days: 20 to 30 Sep, 31 in Oct, 30 in Nov, 31 in Dec, then 10 Jan.
    following = Review.objects.get(package=review.package, completed__isnull=True)
    assert (following.kind, following.due) == ("provider", date(2026, 1, 10))
    assert Package.objects.get(pk=review.package_id).review_due == date(2026, 1, 10)
    assert Events.objects.tracks(done).order_by("pgh_id").last().pgh_context["user"] == assessor.pk


def test_the_next_review_follows_the_contracts_interval(assessor, review, limits):
    limits.review_interval_days = 91
    limits.save()
    complete(assessor, review)
    # 10 Sep + 91 days = 10 Dec.
    assert Review.objects.get(completed__isnull=True).due == date(2025, 12, 10)


def test_no_next_review_after_the_package_ends(assessor, review, pk1):
    pk1.end = date(2025, 12, 31)
    pk1.save()
    complete(assessor, review)
    assert not Review.objects.filter(completed__isnull=True).exists()
    assert Package.objects.get(pk=pk1.pk).review_due is None


def test_a_person_may_opt_out_of_the_outcomes_tool(assessor, review, ann):
    done = complete(assessor, review, scores=None, opted_out=True, progress=False)
    assert done.outcomes_opted_out and done.assessment is None
    ann.refresh_from_db()
    assert ann.outcomes_opt_out
    assert not OutcomeAssessment.objects.exists()


def test_review_input_is_checked_all_at_once(assessor, review):
    with pytest.raises(ValidationError) as exc:
        complete(
            assessor,
            review,
            completed=date(2025, 9, 11),
            scores={"wellbeing_independence": 6, "home": None},
            progress=None,
        )
    assert exc.value.message_dict == {
        "completed": ["The date cannot be in the future."],
        "wellbeing_independence": ["The score must be from 1 to 5."],
        "home": ["Enter a score from 1 to 5."],
        "community": ["Enter a score from 1 to 5."],
        "progress": ["Say whether the person feels they have made progress."],
    }
    with pytest.raises(ValidationError) as exc:
        complete(assessor, review, opted_out=True)
    assert exc.value.messages == [
        "Either record the person's scores or that they opted out of the Outcomes Tool, not both."
    ]
    with pytest.raises(ValidationError) as exc:
        complete(assessor, review, completed=date(2025, 8, 12))  # 29 days ago
    assert exc.value.message_dict == {"completed": ["The date cannot be more than 28 days ago."]}
    assert Review.objects.get(pk=review.pk).completed is None and not OutcomeAssessment.objects.exists()


def test_a_review_is_completed_once(assessor, review):
    complete(assessor, review)
    with pytest.raises(ValidationError) as exc:
        complete(assessor, review)
    assert "This review was already completed on 10 September 2025." in exc.value.messages


def test_only_the_providers_assessors_and_managers_complete_reviews(review, provider, social_worker, other_assessor):
    for actor in (make_user(provider, Role.COORDINATOR), social_worker, other_assessor):
        with pytest.raises(PermissionDenied):
            complete(actor, review)
    assert complete(make_user(provider, Role.PROVIDER_MANAGER), review).completed == TODAY


def test_an_assessment_on_its_own_opts_the_person_back_in(assessor, ann):
    ann.outcomes_opt_out = True
    ann.save()
    a = outcome_assessment_record(actor=assessor, person=ann, day=date(2025, 9, 9), scores=SCORES, today=TODAY)
    assert (a.date, a.wellbeing_independence + a.home + a.community) == (date(2025, 9, 9), 9)
    ann.refresh_from_db()
    assert not ann.outcomes_opt_out
    with pytest.raises(ValidationError) as exc:
        outcome_assessment_record(actor=assessor, person=ann, day=date(2025, 9, 9), scores=SCORES, today=TODAY)
    assert exc.value.message_dict == {
        "date": ["An Outcomes Tool assessment is already recorded for this person on this date."]
    }


def test_assessors_hear_of_reviews_due_in_a_week_or_overdue_once(assessor, pk1, pk2):
    Review.objects.create(provider=pk1.provider, ref="R-SOON", package=pk1, kind="provider", due=date(2025, 9, 17))
    Review.objects.create(provider=pk1.provider, ref="R-LATE", package=pk2, kind="provider", due=date(2025, 9, 5))
    Review.objects.create(provider=pk1.provider, ref="R-LATER", package=pk1, kind="provider", due=date(2025, 9, 18))
    Review.objects.create(provider=pk1.provider, ref="R-SW", package=pk1, kind="social_worker", due=date(2025, 9, 1))
    assert reviews_notify_due(today=TODAY) == 2  # 17 Sep is 7 days ahead; 18 Sep is 8
    assert reviews_notify_due(today=TODAY) == 0
    subjects = sorted(Notification.objects.filter(user=assessor).values_list("subject", flat=True))
    assert subjects == [
        "Review due 17 September 2025: person Q1",
        "Review overdue: person Q2, due 5 September 2025",
    ]
    # The next day the 18 September review comes within the week.
    assert reviews_notify_due(today=date(2025, 9, 11)) == 1


def test_review_notices_go_to_managers_when_a_provider_has_no_assessor(pk1, provider):
    manager = make_user(provider, Role.PROVIDER_MANAGER)
    Review.objects.create(provider=pk1.provider, ref="R1", package=pk1, kind="provider", due=date(2025, 9, 17))
    assert reviews_notify_due(today=TODAY) == 1
    assert Notification.objects.get().user == manager


def test_a_review_can_be_started_now_on_the_packages_due_date(assessor, pk1):
    from outcomes.services import review_start

    pk1.review_due = date(2025, 9, 20)
    pk1.save()
    review = review_start(actor=assessor, package=pk1, today=TODAY)
    assert (review.kind, review.due, review.completed) == ("provider", date(2025, 9, 20), None)
    # Asking again gives the same open review; completing it on 10 Sep is in time.
    assert review_start(actor=assessor, package=pk1, today=TODAY) == review
    assert complete(assessor, review).completed <= review.due


def test_a_review_started_without_a_due_date_is_due_today(assessor, pk1, provider):
    from outcomes.services import review_start

    assert review_start(actor=assessor, package=pk1, today=TODAY).due == TODAY
    with pytest.raises(PermissionDenied):
        review_start(actor=make_user(provider, Role.COORDINATOR), package=pk1, today=TODAY)
