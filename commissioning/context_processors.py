"""The header's count of unread notifications (registered by name in settings: homecare imports no app)."""

from __future__ import annotations

from commissioning.notifications import unread_count


def notifications(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and getattr(user, "pk", None)):
        return {}
    return {"unread_notifications": unread_count(user)}
