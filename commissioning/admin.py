from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from commissioning.scoped_admin import ScopedAdmin, may_use_admin, register_models

# The site's gate: superusers and providers' staff only (see commissioning/scoped_admin.py).
admin.site.has_permission = lambda request: may_use_admin(request.user)
_login = admin.site.login


def _login_refusing_others(request, extra_context=None):
    # allauth's wrapper (homecare/admin.py) refuses a logged-in user without is_staff; a commissioner's
    # staff member is refused too, instead of being offered the admin's own login form.
    if request.user.is_authenticated and not may_use_admin(request.user):
        raise PermissionDenied("The admin is for the platform's administrators and providers' staff.")
    return _login(request, extra_context)


admin.site.login = _login_refusing_others


class UserAdmin(ScopedAdmin):
    list_display = ["email", "name", "organisation", "roles", "is_org_admin", "is_active", "is_staff"]
    list_filter = ["organisation", "is_active", "is_org_admin", "is_staff"]
    search_fields = ["email", "name"]
    # Passwords are set by the user from the invitation link, never typed in here.
    exclude = ["password", "groups", "user_permissions"]
    readonly_fields = ["last_login", "date_joined"]


class ApiTokenAdmin(ScopedAdmin):
    list_display = ["name", "organisation", "prefix", "scope", "expires", "created", "last_used", "revoked"]
    list_filter = ["organisation", "scope"]
    # Keys are issued on the organisation admin page (the key is shown once there), not here.
    readonly_fields = ["organisation", "prefix", "key_hash", "created_by", "created", "last_used"]

    def has_add_permission(self, request) -> bool:
        return False


class OrganisationAdmin(ScopedAdmin):
    list_display = ["ref", "name", "kind", "on_cost_factor", "shares_finance_with_commissioners"]
    list_filter = ["kind"]
    search_fields = ["ref", "name"]


register_models(
    "commissioning",
    {"User": UserAdmin, "ApiToken": ApiTokenAdmin, "Organisation": OrganisationAdmin},
)
