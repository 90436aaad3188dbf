"""Expectations for the Django admin (/admin/), one entry per page of every registered model, derived
from the registry so that a newly registered model is covered without an edit here.

Who: the platform superuser (everything the model's admin allows it), and providers' staff (P1's
manager and P2's, both `is_staff`): read-only, scoped to their own provider's rows. A commissioner's
user is refused even with `is_staff` (the council's officer is staff in the scenario). Another
provider's row is a 404 for P2's staff, as everywhere else. The libraries' own admins (allauth,
Celery beat, auth groups, pghistory's events) are the superuser's only.

The object each page names is P1's row of that table (tests/matrix/_scenario.py builds one of each)."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType

from commissioning.models import ApiToken, Neighbourhood, Organisation, User
from commissioning.scoped_admin import ScopedAdmin
from tests.matrix._personas import ADMIN_USERS, OTHER_PROVIDER, PROVIDER_TOKEN, SUPERUSER

P1_STAFF = frozenset({"provider_manager"})
STAFF = frozenset({"provider_manager", OTHER_PROVIDER})

# What the superuser's request can do, asked of each model's own admin class.
_SUPERUSER_REQUEST = SimpleNamespace(user=User(is_superuser=True, is_staff=True, is_active=True), GET={}, POST={})


def _names(model) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def _p1_row(fx, model):
    """P1's row of `model` (or the row P1's staff would look for), as the admin names it in URLs."""
    if model is Organisation:
        return fx.provider
    if model is User:
        return fx.users["coordinator"]
    if model is ApiToken:
        return fx.tokens[PROVIDER_TOKEN]
    if model is Neighbourhood:
        return fx.neighbourhood
    qs = model._default_manager.order_by("pk")
    names = _names(model)
    tracked = getattr(model, "pgh_tracked_model", None)
    if "provider" in names:
        qs = qs.filter(provider=fx.provider)
    elif "organisation" in names:
        qs = qs.filter(organisation=fx.provider)
    elif tracked is Organisation:
        qs = qs.filter(pgh_obj=fx.provider)
    if model._meta.label == "pghistory.Events":
        event = fx.contract.events.order_by("pgh_id").first()
        return SimpleNamespace(pk=f"commissioning.ContractEvent:{event.pgh_id}")
    row = qs.first()
    assert row is not None, f"the matrix scenario has no row of {model._meta.label} for its admin pages"
    return row


def _object_id(model):
    return lambda fx: {"object_id": str(_p1_row(fx, model).pk)}


def _entries(model, model_admin) -> dict:
    app, name = model._meta.app_label, model._meta.model_name
    scoped = isinstance(model_admin, ScopedAdmin)
    p1_sees_it = scoped and ("provider" in _names(model) or model is Organisation)
    su = _SUPERUSER_REQUEST
    view = {SUPERUSER} if model_admin.has_view_permission(su) or model_admin.has_change_permission(su) else set()
    add = {SUPERUSER} if model_admin.has_add_permission(su) else set()
    delete = {SUPERUSER} if model_admin.has_delete_permission(su) else set()
    staff = STAFF if scoped else frozenset()
    p1 = P1_STAFF if p1_sees_it else frozenset()
    return {
        f"admin:{app}_{name}_changelist": {"allowed": view | staff},
        f"admin:{app}_{name}_add": {"allowed": add},
        f"admin:{app}_{name}_change": {"allowed": view | p1, "kwargs": _object_id(model)},
        f"admin:{app}_{name}_delete": {"allowed": delete, "kwargs": _object_id(model)},
        f"admin:{app}_{name}_history": {"allowed": view | p1, "kwargs": _object_id(model)},
        # The old-style URL redirects to the change page whoever asks (the page itself decides).
        f"admin/{app}/{name}/<path:object_id>/": {
            "allowed": ADMIN_USERS,
            "path": lambda fx, model=model: f"/admin/{app}/{name}/{_p1_row(fx, model).pk}/",
            "ok": {301, 302},
        },
    }


def _view_on_site(fx) -> dict:
    return {"content_type_id": ContentType.objects.get_for_model(fx.contract).pk, "object_id": fx.contract.pk}


EXPECTATIONS: dict = {
    "admin:index": {"allowed": ADMIN_USERS},
    # allauth's login for the admin: its users are sent on to the index; anyone else logged in gets 403.
    "admin:login": {"allowed": ADMIN_USERS},
    "admin:logout": {"allowed": ADMIN_USERS, "method": "post", "ok": {200}},
    "admin:password_change": {"allowed": ADMIN_USERS},
    "admin:password_change_done": {"allowed": ADMIN_USERS},
    "admin:jsi18n": {"allowed": ADMIN_USERS},
    "admin:app_list": {"allowed": ADMIN_USERS, "kwargs": lambda fx: {"app_label": "commissioning"}},
    # No admin declares autocomplete fields: refused to everyone.
    "admin:autocomplete": {"allowed": set()},
    # Any other path under /admin/: 404 for its users, the admin's login for anyone else.
    "admin/(?P<url>.*)": {"allowed": set(), "path": lambda fx: "/admin/no-such-page/"},
    # No model has a page of its own on the site: 404 for everyone logged in.
    "admin:view_on_site": {"allowed": set(), "kwargs": _view_on_site},
}
for _model, _model_admin in admin.site._registry.items():
    EXPECTATIONS.update(_entries(_model, _model_admin))
