"""Organisation admin pages: invite and deactivate users, issue and revoke API tokens, system check."""

from __future__ import annotations

import time
from functools import wraps
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from celery.exceptions import TimeoutError as CeleryTimeout
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from commissioning import selectors, services
from commissioning.forms import InviteForm, TokenForm
from commissioning.models import Role

# How long the system check waits for the worker's answer before saying it did not come.
PING_TIMEOUT_SECONDS = 5


def org_admin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_org_admin and request.user.organisation_id):
            raise PermissionDenied("Only organisation admins can use this page.")
        return view(request, *args, **kwargs)

    return wrapper


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@org_admin_required
def user_list(request):
    users = selectors.organisation_users(actor=request.user)
    labels = dict(Role.choices)
    return render(
        request,
        "commissioning/user_list.html",
        {"users": users, "role_labels": labels, "organisation": request.user.organisation},
    )


@org_admin_required
def user_invite(request):
    organisation = request.user.organisation
    form = InviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_invite(
                actor=request.user,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {user.email}.")
            return redirect("commissioning:user-list")
    return render(request, "commissioning/user_invite.html", {"form": form, "organisation": organisation})


@require_POST
@org_admin_required
def user_deactivate(request, pk: int):
    user = get_object_or_404(selectors.organisation_users(actor=request.user), pk=pk)
    try:
        services.user_deactivate(actor=request.user, user=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{user.email} can no longer log in.")
    return redirect("commissioning:user-list")


@org_admin_required
def token_list(request):
    tokens = selectors.organisation_tokens(actor=request.user)
    context = {
        "tokens": tokens,
        "organisation": request.user.organisation,
        "can_issue": services.can_issue_tokens(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "commissioning/token_list.html", context)


# Issuing a token needs a TOTP code entered in the last 15 minutes (at login or on allauth's
# reauthentication page), whatever HOMECARE_REQUIRE_MFA says: a token is a password that never logs out.
TOKEN_TOTP_SECONDS = 15 * 60
ISSUED_SESSION_KEY = "homecare_issued_token"


def recent_totp(request, seconds: int = TOKEN_TOTP_SECONDS) -> bool:
    """Whether this session entered a TOTP code in the last `seconds` (allauth records each step)."""
    records = get_authentication_records(request, request.user)
    cutoff = time.time() - seconds
    return any(r.get("method") == "mfa" and r.get("type") == "totp" and r.get("at", 0) >= cutoff for r in records)


def _token_issuer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not services.can_issue_tokens(request.user):
            raise PermissionDenied(
                "Only a provider manager or commissioner officer who is an organisation admin can do this."
            )
        return view(request, *args, **kwargs)

    return wrapper


@_token_issuer_required
def token_issue(request):
    if not recent_totp(request):
        if Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
            # allauth asks for a code and comes back here (a POST is not lost: the form is shown again).
            return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.path})}")
        return render(request, "commissioning/token_needs_totp.html")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, key = services.api_token_issue(
            organisation=request.user.organisation, actor=request.user, **form.cleaned_data
        )
        # Post, redirect, get: reloading the page that shows the key does not make another token.
        request.session[ISSUED_SESSION_KEY] = {"id": token.pk, "key": key}
        return redirect("commissioning:token-issued", pk=token.pk)
    return render(request, "commissioning/token_issue.html", {"form": form})


@org_admin_required
def token_issued(request, pk: int):
    """Shows a new token's key once: it is taken out of the session as the page is rendered."""
    token = get_object_or_404(selectors.organisation_tokens(actor=request.user), pk=pk)
    issued = request.session.get(ISSUED_SESSION_KEY) or {}
    key = None
    if issued.get("id") == token.pk:
        key = issued["key"]
        del request.session[ISSUED_SESSION_KEY]
    response = render(request, "commissioning/token_issued.html", {"token": token, "key": key})
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@org_admin_required
def token_revoke(request, pk: int):
    token = get_object_or_404(selectors.organisation_tokens(actor=request.user), pk=pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("commissioning:token-list")


@org_admin_required
def system_check(request):
    """Try a Celery round trip from the running server (web -> Redis -> worker -> Redis -> web)."""
    result = None
    if request.method == "POST":
        from homecare.tasks import ping

        try:
            result = ping.delay().get(timeout=PING_TIMEOUT_SECONDS)
        except CeleryTimeout:
            result = None
            messages.error(request, f"No answer from a Celery worker within {PING_TIMEOUT_SECONDS} seconds.")
        except Exception as exc:  # noqa: BLE001 - the page reports any broker failure
            messages.error(request, f"Could not reach Celery: {exc.__class__.__name__}.")
        else:
            messages.success(request, f"The Celery worker answered “{result}”.")
    return render(request, "commissioning/system_check.html", {"result": result})


NOTIFICATIONS_PER_PAGE = 25


def notification_list(request):
    """The signed-in user's own notifications, newest first (every user has this page)."""
    from django.core.paginator import Paginator

    from commissioning.notifications import notifications_for

    page = Paginator(notifications_for(request.user), NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "commissioning/notification_list.html", {"page_obj": page})


def notification_open(request, pk: int):
    """Mark one notification read and go where it points (another user's notification is a 404)."""
    from commissioning.notifications import notifications_for, notifications_mark_read

    note = get_object_or_404(notifications_for(request.user), pk=pk)
    notifications_mark_read(user=request.user, ids=[note.pk])
    if note.url.startswith("/") and not note.url.startswith("//"):
        return redirect(note.url)
    return redirect("commissioning:notification-list")


@require_POST
def notification_read_all(request):
    from commissioning.notifications import notifications_mark_read

    n = notifications_mark_read(user=request.user)
    messages.success(request, f"{n} notification{'s' if n != 1 else ''} marked as read.")
    return redirect("commissioning:notification-list")


AUDIT_PER_PAGE = 50


@org_admin_required
def audit_trail(request):
    """Every tracked change to the organisation's own rows, newest first, in words."""
    from commissioning import audit

    page = Paginator(audit.trail(request.user.organisation), AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    entries = audit.describe(page.object_list)
    return render(
        request,
        "commissioning/audit_trail.html",
        {"entries": entries, "page_obj": page, "organisation": request.user.organisation},
    )
