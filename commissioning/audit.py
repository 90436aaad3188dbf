"""An organisation's audit trail in words: every tracked change (django-pghistory events of every app)
to its own rows, newest first, with who made it and when.

Which events belong to an organisation, found from the event tables themselves (so this module knows
no app above it): rows with `provider` = a provider's own rows; `organisation` = its users and API
tokens; `commissioner` = for a commissioner, its lots and the invoices issued to it; the organisation's
own row. "before_*" events hold a row's old values: they are not listed, they are what an update is
compared with (so are earlier events of the same row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.apps import apps
from django.db import models
from django.db.models import CharField, OuterRef, Q, Subquery, Value

# Words for an event's label, when the label is not a plain insert/update/delete.
VERBS = {
    "insert": "created",
    "update": "changed",
    "delete": "deleted",
    "signed_off": "signed off",
    "issued": "issued",
    "credit_note": "issued (credit note)",
    "status": "status changed",
    "pay": "pay changed",
}
# How a row is named in a sentence: the first of these fields it has.
NAME_FIELDS = ("ref", "email", "number", "name")
# Fields never shown (the row's identity, the provider it belongs to).
HIDDEN = {"id", "provider"}
BEFORE = "before_"


@dataclass(frozen=True)
class Entry:
    when: datetime
    who: str
    what: str  # "Visit V1"
    verb: str  # "status changed"
    changes: list[tuple[str, str, str]]  # (field, old, new); new-only for a created row


def event_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if getattr(m, "pgh_tracked_model", None) is not None]


def _belongs(event_model, org) -> Q | None:
    from commissioning.models import Organisation

    tracked = event_model.pgh_tracked_model
    names = {f.name for f in event_model._meta.concrete_fields}
    if tracked is Organisation:
        return Q(pgh_obj_id=org.pk)
    if org.is_provider and "provider" in names:
        return Q(provider_id=org.pk)
    if "organisation" in names:
        return Q(organisation_id=org.pk)
    if not org.is_provider and "commissioner" in names:
        return Q(commissioner_id=org.pk)
    return None


def trail(org) -> models.QuerySet:
    """One row per listed event of `org`: (model label, pgh_id, pgh_created_at), newest first; a
    union over the event tables, each filtered by an indexed column, ready for a Paginator."""
    parts = []
    for event_model in event_models():
        belongs = _belongs(event_model, org)
        if belongs is None:
            continue
        parts.append(
            event_model.objects.filter(belongs)
            .exclude(pgh_label__startswith=BEFORE)
            .annotate(event_table=Value(event_model._meta.label, output_field=CharField()))
            .values_list("event_table", "pgh_id", "pgh_created_at")
            .order_by()
        )
    if not parts:
        return apps.get_model("commissioning", "UserEvent").objects.none().values_list("pgh_id")
    return parts[0].union(*parts[1:], all=True).order_by("-pgh_created_at", "-pgh_id")


def describe(rows) -> list[Entry]:
    """Entries in words for a page of `trail` rows (a few queries per event table on the page)."""
    by_model: dict[str, list[int]] = {}
    for label, pgh_id, _ in rows:
        by_model.setdefault(label, []).append(pgh_id)
    events, previous = {}, {}
    for label, ids in by_model.items():
        event_model = apps.get_model(label)
        before = (
            event_model.objects.filter(pgh_obj_id=OuterRef("pgh_obj_id"), pgh_id__lt=OuterRef("pgh_id"))
            .order_by("-pgh_id")
            .values("pgh_id")[:1]
        )
        found = list(
            event_model.objects.filter(pgh_id__in=ids).select_related("pgh_context").annotate(prev_id=Subquery(before))
        )
        prev = event_model.objects.in_bulk([e.prev_id for e in found if e.prev_id])
        for e in found:
            events[(label, e.pgh_id)] = e
            previous[(label, e.pgh_id)] = prev.get(e.prev_id)
    names = _Names()
    for e in events.values():
        names.want(e)
        if previous[(e._meta.label, e.pgh_id)] is not None:
            names.want(previous[(e._meta.label, e.pgh_id)])
    return [
        _entry(events[(label, pgh_id)], previous[(label, pgh_id)], names)
        for label, pgh_id, _ in rows
        if (label, pgh_id) in events
    ]


def _fields(event) -> list[models.Field]:
    return [f for f in event._meta.concrete_fields if not f.name.startswith("pgh_") and f.name not in HIDDEN]


def _entry(event, previous, names: _Names) -> Entry:
    tracked = event.pgh_tracked_model
    fields = _fields(event)
    changes = []
    for f in fields:
        new = names.show(event, f)
        if previous is None:
            if event.pgh_label not in ("delete",) and new != "":
                changes.append((_label(tracked, f), "", new))
            continue
        old = names.show(previous, f)
        if old != new:
            changes.append((_label(tracked, f), old, new))
    return Entry(
        when=event.pgh_created_at,
        who=names.who(event),
        what=f"{tracked._meta.verbose_name.capitalize()} {_name(event)}",
        verb=VERBS.get(event.pgh_label, event.pgh_label.replace("_", " ")),
        changes=changes,
    )


def _label(tracked, field) -> str:
    try:
        return str(tracked._meta.get_field(field.name).verbose_name).capitalize()
    except LookupError:
        return field.name.replace("_", " ").capitalize()


def _name(event) -> str:
    if getattr(event, "week", None):  # a weekly return
        return f"{event.week} version {event.version}"
    for attr in NAME_FIELDS:
        value = getattr(event, attr, None)
        if value:
            return str(value)
    return f"#{event.pgh_obj_id}"


class _Names:
    """Shows values in words, looking up the rows foreign keys point at in one query per table."""

    def __init__(self):
        self.ids: dict[type[models.Model], set] = {}
        self.users: set = set()
        self.cache: dict[tuple[type[models.Model], object], str] = {}
        self.loaded = False

    def want(self, event) -> None:
        for f in _fields(event):
            if f.is_relation:
                value = getattr(event, f.attname)
                if value is not None:
                    self.ids.setdefault(f.related_model, set()).add(value)
        user = (event.pgh_context.metadata if event.pgh_context else {}).get("user")
        if user is not None:
            self.users.add(user)

    def _load(self) -> None:
        if self.loaded:
            return
        from commissioning.models import User

        self.ids.setdefault(User, set()).update(self.users)
        for model, ids in self.ids.items():
            for pk, obj in model._default_manager.in_bulk(list(ids)).items():
                self.cache[(model, pk)] = getattr(obj, "email", None) or str(obj)
        self.loaded = True

    def show(self, event, field) -> str:
        value = getattr(event, field.attname)
        if value is None or value == "":
            return ""
        if field.is_relation:
            self._load()
            return self.cache.get((field.related_model, value), f"#{value}")
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            return ", ".join(str(dict(field.base_field.flatchoices).get(v, v)) for v in value) or ""
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        if isinstance(value, datetime):
            return f"{value:%-d %b %Y %H:%M}"
        if isinstance(value, date):
            return f"{value:%-d %b %Y}"
        return str(value)

    def who(self, event) -> str:
        meta = event.pgh_context.metadata if event.pgh_context else {}
        if meta.get("token"):
            return f"API token {meta['token']}…"
        if meta.get("user") is not None:
            from commissioning.models import User

            self._load()
            return self.cache.get((User, meta["user"]), f"user #{meta['user']}")
        if meta.get("command"):
            return f"command {meta['command']}"
        return "the system"
