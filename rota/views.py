"""ECM CSV upload: upload -> preview (errors, or what would change) -> confirm -> saved.
Nothing is written until the coordinator confirms; the preview runs the same service and rolls back."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from homecare.uploads import limited_upload, upload_too_large
from rota.forms import AttendanceCsvForm, too_large_message
from rota.permissions import can_ingest_attendances
from rota.services import FIELDS, IngestInvalid, attendances_ingest, max_records

SESSION_KEY = "rota_ecm_upload"
PREFIX = "rows"


class TooManyRows(Exception):
    pass


def _rows(text: str) -> list[dict]:
    """The file's records, read one at a time and refused past HOMECARE_ECM_MAX_RECORDS."""
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        if len(rows) == max_records():
            raise TooManyRows
        rows.append({k.strip(): (v or "").strip() or None for k, v in row.items() if isinstance(k, str) and k})
    return rows


def _check(request) -> None:
    if not can_ingest_attendances(request.user):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@limited_upload("HOMECARE_ECM_CSV_MAX_BYTES")
def ecm_upload(request):
    _check(request)
    form = AttendanceCsvForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "fields": FIELDS}
    if (cut := upload_too_large(request)) is not None:
        # Reading stopped at the limit: what arrived is not the whole file, so nothing is checked.
        form.refuse_file(too_large_message(*cut))
        return render(request, "rota/ecm_upload.html", context, status=413)
    if request.method == "POST" and form.is_valid():
        try:
            text = form.cleaned_data["file"].read().decode("utf-8-sig")
            rows = _rows(text)
        except (UnicodeDecodeError, csv.Error):
            form.add_error("file", "This is not a UTF-8 CSV file.")
            return render(request, "rota/ecm_upload.html", context)
        except TooManyRows:
            form.add_error(
                "file",
                f"The file has more than {max_records():,} records (HOMECARE_ECM_MAX_RECORDS): split it.",
            )
            return render(request, "rota/ecm_upload.html", context, status=413)
        context["rows"] = [[row.get(f) for f in FIELDS] for row in rows]
        try:
            result = attendances_ingest(
                provider=request.user.organisation, rows=rows, actor=request.user, prefix=PREFIX, dry_run=True
            )
        except IngestInvalid as exc:
            context["errors"] = [_for_people(e) for e in exc.errors]
        else:
            request.session[SESSION_KEY] = text
            context["result"] = result
    return render(request, "rota/ecm_upload.html", context)


def _for_people(err: dict) -> dict:
    """rows[3].check_in -> line 5 of the file (a header line, and lines count from 1), column check_in."""
    head, _, column = err["path"].partition("].")
    try:
        line = int(head.split("[")[1]) + 2
    except (IndexError, ValueError):
        line = None
    return {"line": line, "column": column, "message": err["message"]}


@require_POST
def ecm_upload_confirm(request):
    _check(request)
    text = request.session.pop(SESSION_KEY, None)
    if text is None:
        messages.error(request, "Upload the file again: the preview has expired.")
        return redirect("rota:ecm-upload")
    try:
        result = attendances_ingest(
            provider=request.user.organisation, rows=_rows(text), actor=request.user, prefix=PREFIX
        )
    except IngestInvalid:
        # The data changed between preview and confirm (another upload): show the errors again.
        messages.error(request, "The records no longer import cleanly: upload the file again to see why.")
        return redirect("rota:ecm-upload")
    messages.success(
        request,
        f"Saved: {result.created} new, {result.updated} corrected, {result.unchanged} unchanged attendances.",
    )
    return redirect("rota:ecm-upload")


# Package history lives here with the other provider audit pages: read-only, provider users only.
HISTORY_ROLES = frozenset({"provider_manager", "coordinator", "trusted_assessor"})


def package_history(request, pk: int):
    """Who changed a package, its changes and its reviews, when, and from what to what."""
    from pghistory.models import Events

    from commissioning.models import User
    from commissioning.tenancy import get_for_user
    from outcomes.models import Package

    package = get_for_user(request.user, Package, pk=pk)  # another organisation's package: 404
    org = request.user.organisation
    if not (org and org.is_provider and request.user.has_role(*HISTORY_ROLES)):
        raise PermissionDenied
    events = list(Events.objects.references(package).order_by("-pgh_created_at", "-pgh_id")[:500])
    names = dict(
        User.objects.filter(pk__in={(e.pgh_context or {}).get("user") for e in events} - {None}).values_list(
            "pk", "email"
        )
    )
    rows = [
        {
            "when": e.pgh_created_at,
            "what": e.pgh_model.split(".")[-1].removesuffix("Event"),
            "label": e.pgh_label,
            "who": names.get((e.pgh_context or {}).get("user")) or (e.pgh_context or {}).get("command", ""),
            "changes": sorted((e.pgh_diff or {}).items()),
        }
        for e in events
    ]
    return render(request, "rota/package_history.html", {"package": package, "rows": rows})
