"""Organisation admin pages: invite and deactivate users, issue and revoke API tokens, system check."""

from __future__ import annotations

from functools import wraps

from celery.exceptions import TimeoutError as CeleryTimeout
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
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
    return render(
        request, "commissioning/token_list.html", {"tokens": tokens, "organisation": request.user.organisation}
    )


@org_admin_required
def token_issue(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, key = services.api_token_issue(actor=request.user, name=form.cleaned_data["name"])
        # Rendered, not redirected: the key exists only in this response.
        response = render(request, "commissioning/token_issued.html", {"token": token, "key": key})
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "commissioning/token_issue.html", {"form": form})


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
