"""The signed-in user's start page: their role and organisation, and each role's work (the panels
the apps register, commissioning/panels.py), then where to go next."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from commissioning.models import Role
from commissioning.panels import home_panels
from homecare.lib.dates import LONDON
from homecare.navigation import nav_for

# What each role's home page says it is for.
ROLE_SUMMARY: dict[str, str] = {
    Role.PROVIDER_MANAGER: "Last week's monitoring return, invoices to issue and your staffing.",
    Role.COORDINATOR: "Today's rota: visits still to place, warnings to act on and call monitoring to check.",
    Role.TRUSTED_ASSESSOR: "Reviews that are due and package changes waiting for a decision.",
    Role.CARE_WORKER: "Your visits today.",
    Role.COMMISSIONER_OFFICER: "Your providers' KPIs below target and returns that are late or missing.",
    Role.SOCIAL_WORKER: "Package changes waiting for your team's approval.",
}


def home(request):
    """The signed-in user's start page: their role and organisation, their work, and where to go next."""
    user = request.user
    roles = [Role(r) for r in user.roles if r in Role.values]
    primary = roles[0] if roles else None
    links = [item for item in nav_for(user) if item["url_name"] != "home"]
    now = timezone.now()
    groups = home_panels(actor=user, roles=[r.value for r in roles], today=now.astimezone(LONDON).date(), now=now)
    for group in groups:
        role = Role(group["role"])
        group["label"] = role.label
        group["summary"] = ROLE_SUMMARY.get(role, "")
    context = {
        "role": primary,
        "roles": roles,
        "organisation": user.organisation,
        "summary": ROLE_SUMMARY.get(primary, "") if primary else "",
        "groups": groups,
        "links": links,
    }
    return render(request, "home.html", context)


urlpatterns = [path("", home, name="home")]
