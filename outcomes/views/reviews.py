"""Reviews due and overdue, completing a review with the Outcomes Tool, and an assessment on its own."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from outcomes import selectors, services
from outcomes.forms import AssessmentForm, ReviewForm
from outcomes.permissions import can_assess
from outcomes.services.changes import person_url
from outcomes.services.common import long_date
from outcomes.views.common import by_ref, today


def review_list(request):
    day = today()
    reviews = list(selectors.reviews_due(actor=request.user, today=day))
    people: list[dict] = []
    for r in reviews:
        person = r.package.person
        if not people or people[-1]["person"].pk != person.pk:
            people.append({"person": person, "reviews": []})
        people[-1]["reviews"].append(
            {
                "review": r,
                "overdue": r.due < day,
                "days": (r.due - day).days,
                "can_complete": can_assess(request.user, r.provider_id),
            }
        )
    return render(
        request,
        "outcomes/review_list.html",
        {
            "people": people,
            "today": day,
            "overdue": sum(1 for r in reviews if r.due < day),
            "due_soon": sum(1 for r in reviews if r.due >= day),
        },
    )


@require_http_methods(["GET", "POST"])
def review_complete(request, pk: int):
    review = selectors.review_get(actor=request.user, pk=pk)
    if not can_assess(request.user, review.provider_id):
        raise PermissionDenied("Only the provider's trusted assessors and managers complete reviews.")
    person = review.package.person
    form = ReviewForm(request.POST or None, initial={"completed": today()})
    if request.method == "POST":
        errors = form.errors_for_service()
        scores = {k: form.value(k) for k in ("wellbeing_independence", "home", "community")}
        try:
            done = services.review_complete(
                actor=request.user,
                review=review,
                completed=form.value("completed"),
                scores=scores,
                opted_out=bool(form.value("opted_out")),
                progress=form.value("progress"),
                notes=form.value("notes") or "",
                errors=errors,
            )
        except ValidationError as exc:
            form.apply(exc)
        else:
            nxt = done.package.review_due
            messages.success(
                request,
                f"Review of {person.ref} completed on {long_date(done.completed)}."
                + (f" The next review is due on {long_date(nxt)}." if nxt else ""),
            )
            return redirect(person_url(person))
    return render(
        request,
        "outcomes/review_complete.html",
        {
            "review": review,
            "person": person,
            "form": form,
            "overdue": review.due < today(),
            "already": review.completed,
        },
    )


@require_POST
def review_start(request, ref: str):
    """Review a package now (scheduled or not): on to the open review's form."""
    package, choose = by_ref(request, selectors.package_get, ref, "package")
    if choose:
        return choose
    if not can_assess(request.user, package.provider_id):
        raise PermissionDenied("Only the provider's trusted assessors and managers review packages.")
    try:
        review = services.review_start(actor=request.user, package=package)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(person_url(package.person))
    return redirect("outcomes:review-complete", pk=review.pk)


@require_http_methods(["GET", "POST"])
def assessment_new(request, ref: str):
    person, choose = by_ref(request, selectors.person_get, ref, "person")
    if choose:
        return choose
    if not can_assess(request.user, person.provider_id):
        raise PermissionDenied("Only the provider's trusted assessors and managers record assessments.")
    form = AssessmentForm(request.POST or None, initial={"date": today()})
    if request.method == "POST":
        errors = form.errors_for_service()
        try:
            a = services.outcome_assessment_record(
                actor=request.user,
                person=person,
                day=form.value("date"),
                scores={k: form.value(k) for k in ("wellbeing_independence", "home", "community")},
                errors=errors,
            )
        except ValidationError as exc:
            form.apply(exc)
        else:
            messages.success(request, f"Outcomes Tool assessment of {long_date(a.date)} recorded.")
            return redirect(person_url(person))
    return render(request, "outcomes/assessment_new.html", {"person": person, "form": form})
