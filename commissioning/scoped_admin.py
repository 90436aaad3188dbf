"""The Django admin, scoped and read-mostly. Every model is registered through `register_models`.

- Access needs `is_staff` (the admin site itself is set up in homecare/admin.py), and belongs to the
  platform's superusers and providers' staff: a commissioner's user is refused even with `is_staff`
  (its pages and the API show it what it commissions; the admin's raw rows are a provider's view).
- Rows are scoped with commissioning.tenancy.scope_for: staff of a provider see only that provider's rows;
  another organisation's object is a 404, as everywhere else.
- Only superusers write; everyone else reads. Audit events (pghistory) are read-only for everyone.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.db import models
from django.http import Http404

from commissioning.tenancy import organisation_of, scope_for

# Columns shown by default: these fields when the model has them, then its first few others.
PREFERRED_COLUMNS = ("ref", "name", "provider", "contract", "organisation", "kind", "status")
MAX_COLUMNS = 6


def may_use_admin(user) -> bool:
    """The admin site's own gate (homecare's admin site asks this through commissioning/admin.py)."""
    if not (user.is_active and user.is_staff):
        return False
    org = organisation_of(user)
    return user.is_superuser or (org is not None and org.is_provider)


class ScopedAdmin(admin.ModelAdmin):
    list_per_page = 50
    show_full_result_count = False  # counting a large scoped table costs more than it tells

    def get_queryset(self, request):
        return scope_for(request.user, super().get_queryset(request))

    def has_module_permission(self, request) -> bool:
        return may_use_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return may_use_admin(request.user)

    def get_list_filter(self, request):
        # A filter on a relation lists only the values the (scoped) rows hold: Django's default lists
        # every row of the related table, e.g. every organisation's name to a provider's staff.
        filters = []
        for item in super().get_list_filter(request):
            field = self.model._meta.get_field(item) if isinstance(item, str) and "__" not in item else None
            filters.append(
                (item, admin.RelatedOnlyFieldListFilter) if field is not None and field.is_relation else item
            )
        return filters

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index with "doesn't exist"; another organisation's row is a 404 here
        # as on every other page (nothing tells it apart from a row that does not exist).
        raise Http404

    def has_add_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser


class ReadOnlyAdmin(ScopedAdmin):
    """Rows nobody edits by hand: the audit trail, and totals the database derives itself."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def default_columns(model: type[models.Model]) -> list[str]:
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.JSONField | models.TextField)]
    names = [f.name for f in fields]
    columns = [n for n in PREFERRED_COLUMNS if n in names]
    pk = model._meta.pk.name  # "id", or e.g. "shift" for a row keyed by its shift
    columns = [n for n in columns if n != pk]
    columns += [n for n in names if n not in columns and n != pk]
    return [pk, *columns[: MAX_COLUMNS - 1]]


def is_audit_event(model: type[models.Model]) -> bool:
    return any(f.name == "pgh_obj" or f.name == "pgh_created_at" for f in model._meta.concrete_fields)


def register_models(app_label: str, custom: dict[str, type[admin.ModelAdmin]] | None = None) -> None:
    """Register every model of an app: `custom` maps model names to their own admin class, the rest
    get a ScopedAdmin (or a ReadOnlyAdmin for audit events and derived rows) with sensible columns, filters and search."""
    custom = custom or {}
    for model in apps.get_app_config(app_label).get_models():
        if admin.site.is_registered(model):
            continue
        if model.__name__ in custom:
            admin.site.register(model, custom[model.__name__])
            continue
        # Derived rows (DERIVED = True on the model, e.g. totals kept by database triggers) are read-only.
        base = ReadOnlyAdmin if is_audit_event(model) or getattr(model, "DERIVED", False) else ScopedAdmin
        names = {f.name for f in model._meta.concrete_fields}
        attrs: dict = {"list_display": default_columns(model)}
        if "ref" in names:
            attrs["search_fields"] = ["ref"]
        if "provider" in names:
            attrs["list_filter"] = ["provider"]
            attrs["list_select_related"] = ["provider"]
        admin.site.register(model, type(f"{model.__name__}Admin", (base,), attrs))
