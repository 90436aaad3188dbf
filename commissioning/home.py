"""The signed-in user's start page: their role and organisation, and where to go next."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path

from commissioning.models import Role
from homecare.navigation import nav_for

# What each role's home page says it is for, and what will appear there as features land.
ROLE_HOME: dict[str, dict] = {
    Role.PROVIDER_MANAGER: {
        "summary": "Run your service: submit weekly monitoring returns, issue invoices and manage your team.",
        "coming": [
            "This week's monitoring return: status, measures that need attention and the submit button.",
            "Invoices due this settlement period and those awaiting payment.",
            "Staffing: vacancies, absences and training that is about to expire.",
        ],
    },
    Role.COORDINATOR: {
        "summary": "Plan the rota: shifts, visits and who covers them.",
        "coming": [
            "Today's visits not yet covered, and late or missed visits.",
            "Electronic call monitoring uploads and the attendance they matched.",
            "Referrals waiting for a start date.",
        ],
    },
    Role.TRUSTED_ASSESSOR: {
        "summary": "Review people's packages of care and record changes you are trusted to make.",
        "coming": [
            "Reviews that are due or overdue.",
            "Package changes you have made and their effect on planned hours.",
        ],
    },
    Role.CARE_WORKER: {
        "summary": "Your shifts and visits.",
        "coming": [
            "Your shifts this week and the visits in each.",
            "Your training records and when they expire.",
        ],
    },
    Role.COMMISSIONER_OFFICER: {
        "summary": "Monitor the contracts your organisation commissions: returns, invoices and outcomes.",
        "coming": [
            "Weekly monitoring returns from your providers, with measures outside tolerance highlighted.",
            "Invoices to check and approve.",
            "Data bundles: download a neighbourhood's data for analysis.",
        ],
    },
    Role.SOCIAL_WORKER: {
        "summary": "Follow the people you referred: packages, reviews and outcomes.",
        "coming": [
            "Referrals you made and whether care has started.",
            "Reviews and hospital stays of the people you work with.",
        ],
    },
}


def home(request):
    """The signed-in user's start page: their role and organisation, and where to go next."""
    user = request.user
    roles = [Role(r) for r in user.roles if r in Role.values]
    primary = roles[0] if roles else None
    links = [item for item in nav_for(user) if item["url_name"] != "home"]
    context = {
        "role": primary,
        "roles": roles,
        "organisation": user.organisation,
        "intro": ROLE_HOME.get(primary, {}) if primary else {},
        "other_roles": [ROLE_HOME[r] | {"label": r.label} for r in roles[1:] if r in ROLE_HOME],
        "links": links,
    }
    return render(request, "home.html", context)


urlpatterns = [path("", home, name="home")]
