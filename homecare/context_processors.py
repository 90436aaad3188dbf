from __future__ import annotations

from homecare.navigation import nav_for


def navigation(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"nav_items": []}
    return {"nav_items": nav_for(user)}
