from __future__ import annotations

from homecare.navigation import nav_for


def navigation(request):
    """The header's navigation for the user's roles (current page marked) and who they act as."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"nav_items": []}
    items = nav_for(user)
    # The longest matching prefix is the current section ("/" would match everything).
    best = max((i for i in items if request.path.startswith(i["url"])), key=lambda i: len(i["url"]), default=None)
    for item in items:
        item["current"] = item is best
    return {
        "nav_items": items,
        "user_roles_label": getattr(user, "roles_label", ""),
        "user_organisation": getattr(user, "organisation", None),
    }
