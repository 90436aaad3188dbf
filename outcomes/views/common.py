"""What the outcomes pages share: the actor, finding a person or package by ref, today."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from outcomes import selectors


def today():
    return timezone.localdate()


def by_ref(request, getter, ref: str, what: str):
    """A person or package by ref; when a commissioner sees the same ref at two providers, a page
    asking which (links carry ?provider=)."""
    try:
        return getter(actor=request.user, ref=ref, provider=request.GET.get("provider") or None), None
    except selectors.AmbiguousRef as exc:
        page = render(
            request,
            "outcomes/choose_provider.html",
            {"ref": ref, "what": what, "objects": exc.objects, "path": request.path},
        )
        return None, page
