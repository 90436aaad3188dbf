"""The people list and a person's page: packages and their hours over time, the care plan and visits
(from the apps that register them), hospital stays, reviews, the Outcomes Tool and the audit trail."""

from __future__ import annotations

from datetime import timedelta

from django.core.paginator import Paginator
from django.shortcuts import render

from outcomes import charts, labels, ledger, panels, selectors
from outcomes.forms import PeopleFilterForm
from outcomes.permissions import can_assess, can_log_change, roles_of
from outcomes.views.common import by_ref, today

PEOPLE_PER_PAGE = 25
# Changes that took effect (or were reverted) this recently, or will soon, ask for the care plan to
# be checked when no care plan is registered to compare with.
CARE_PLAN_PROMPT_DAYS = 28


def person_list(request):
    form = PeopleFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    day = today()
    people = selectors.person_list(
        actor=request.user,
        today=day,
        q=(filters.get("q") or "").strip(),
        lot=filters.get("lot"),
        review_overdue=bool(filters.get("review_overdue")),
        change_waiting=bool(filters.get("change_waiting")),
        outcomes_due=bool(filters.get("outcomes_due")),
    )
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    others = request.GET.copy()
    others.pop("page", None)
    org = request.user.organisation
    return render(
        request,
        "outcomes/person_list.html",
        {
            "form": form,
            "page_obj": page,
            "people": page.object_list,
            "page_query": others.urlencode(),
            "today": day,
            "soon": day + timedelta(days=14),
            "show_provider": bool(org and not org.is_provider) or request.user.is_superuser,
            "total": page.paginator.count,
        },
    )


def _change_rows(pv: selectors.PackageView) -> list[dict]:
    base = pv.package.planned_weekly_hours
    rows = []
    for n, c in enumerate(pv.changes, start=1):
        others = [o for o in pv.changes if o.pk != c.pk]
        day = (
            c.requested_effective
            if (c.prior_approval and c.decision == "pending" and c.requested_effective)
            else c.effective
        )
        rows.append(
            {
                "number": n,
                "change": c,
                "day": day,
                "before": ledger.hours_on(base, others, day - timedelta(days=1)),
                "reason": labels.reason(c.reason),
                "by": labels.BY.get(c.by, c.by),
                "by_short": labels.BY_SHORT.get(c.by, c.by),
                "consent": labels.consent_by(c.consent_by),
            }
        )
    return rows


def _care_plan_prompts(actor, pv: selectors.PackageView, day, plan_today: panels.PlanHours | None) -> list[dict]:
    """What the coordinator is asked to do about the care plan of this package (`plan_today`: its
    care plan's hours today, if it has one): where it differs from the package's hours today or on
    the day of a change to come; without a care plan, the changes of the last and next 28 days, to
    check."""
    if pv.package.end is not None and pv.package.end < day:
        return []
    soon = [s for s in pv.steps[1:] if s.change is not None and abs((s.day - day).days) <= CARE_PLAN_PROMPT_DAYS]
    if plan_today is not None:
        prompts = []
        for on in [day] + [s.day for s in soon if s.day > day]:
            plan = (
                plan_today
                if on == day
                else panels.plan_hours(actor=actor, packages=[pv.package], day=on).get(pv.package.pk)
            )
            hours = ledger.hours_on(pv.package.planned_weekly_hours, pv.changes, on)
            if plan is None or not plan.differs_from(hours):
                continue
            when = "today" if on == day else f"from {on.day} {on:%B %Y}"
            prompts.append(
                {
                    "text": f"The care plan is {plan.hours:.2f} hours a week {when} but the package is {hours:.2f}: "
                    "change the care plan to match.",
                    "url": plan.edit_url,
                }
            )
        return prompts
    prompts = []
    for s in soon:
        verb = "went back to" if s.event == "reverted" else ("is" if s.day <= day else "will be")
        prompts.append(
            {
                "text": f"From {s.day.day} {s.day:%B %Y} the package {verb} {s.hours:.2f} hours a week "
                f"(change {s.change.ref}): check the care plan matches.",
                "url": None,
            }
        )
    return prompts


def person_detail(request, ref: str):
    person, choose = by_ref(request, selectors.person_get, ref, "person")
    if choose:
        return choose
    actor = request.user
    day = today()
    packages = selectors.person_packages(person=person, today=day)
    plans = panels.plan_hours(actor=actor, packages=[pv.package for pv in packages], day=day)
    package_blocks = []
    for pv in packages:
        rows = _change_rows(pv)
        numbers = {r["change"].pk: r["number"] for r in rows}
        package_blocks.append(
            {
                "view": pv,
                "rows": rows,
                "chart": charts.hours_chart(
                    steps=pv.steps,
                    start=pv.package.start,
                    end=pv.package.end,
                    today=day,
                    numbers=numbers,
                    package_ref=pv.package.ref,
                ),
                "ledger": pv.steps,
                "waiting": [r for r in rows if r["change"].status == "waiting_approval"],
                "can_log": can_log_change(actor, pv.package) and (pv.package.end is None or pv.package.end >= day),
                "plan": plans.get(pv.package.pk),
                "prompts": _care_plan_prompts(actor, pv, day, plans.get(pv.package.pk)),
                "active": pv.package.start <= day and (pv.package.end is None or pv.package.end >= day),
            }
        )
    assessments = selectors.person_assessments(person=person)
    previous = None
    assessment_rows = []
    for a in assessments:
        assessment_rows.append({"a": a, "total": a.total, "change": None if previous is None else a.total - previous})
        previous = a.total
    return render(
        request,
        "outcomes/person_detail.html",
        {
            "person": person,
            "today": day,
            "packages": package_blocks,
            "sections": panels.person_sections(
                actor=actor, person=person, packages=[pv.package for pv in packages], today=day
            ),
            "stays": selectors.person_stays(person=person),
            "reviews": [r for pv in packages for r in pv.reviews],
            "assessments": list(reversed(assessment_rows)),
            "outcome_panels": charts.outcomes_panels(assessments),
            "domains": labels.DOMAINS,
            "audit": selectors.person_audit(person=person, packages=packages, assessments=assessments),
            "can_assess": can_assess(actor, person.provider_id),
            "is_coordinator": "coordinator" in roles_of(actor),
            "review_kinds": labels.REVIEW_KINDS,
        },
    )
