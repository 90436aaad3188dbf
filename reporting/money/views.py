"""Pages for invoices: list, one invoice (lines, exceptions, credit notes), compute a draft, issue,
credit note, and the JSON/CSV/PDF downloads. Thin: reads through selectors, writes through services;
another organisation's invoice is a 404 (looked up before any role check, so it never shows as 403)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from commissioning.models import Role
from commissioning.tenancy import get_for_user, is_commissioner
from homecare.api_errors import DomainError
from reporting.models.money import Invoice
from reporting.money import display, outputs, selectors, services
from reporting.money.api import csv_response, pdf_response
from workforce.models import Worker

MANAGER = {Role.PROVIDER_MANAGER}
INVOICES_PER_PAGE = 50
WORKERS_PER_PAGE = 50


def require_roles(request, roles) -> None:
    user = request.user
    if user.is_superuser:
        return
    if not (set(user.roles or []) & set(roles)):
        raise PermissionDenied("Your role does not give access to this page.")


def is_provider_manager(user) -> bool:
    org = user.organisation
    return bool(org and org.is_provider and Role.PROVIDER_MANAGER in (user.roles or []))


def invoice_list(request):
    require_roles(request, selectors.VIEW_ROLES)
    g = request.GET
    try:
        lot = int(g["lot"]) if g.get("lot") else None
        period = date.fromisoformat(g["period"]) if g.get("period") else None
    except ValueError:
        lot = period = None
    invoices = selectors.invoice_list(
        actor=request.user,
        contract=g.get("contract") or None,
        lot=lot,
        period=period,
        status=g.get("status") if g.get("status") in Invoice.Status.values else None,
    )
    page = Paginator(invoices, INVOICES_PER_PAGE).get_page(g.get("page"))
    others = g.copy()
    others.pop("page", None)  # the pages keep the filters
    org = request.user.organisation
    can_compute = bool(org and org.is_provider and set(request.user.roles or []) & MANAGER)
    span = selectors.invoice_span(actor=request.user)
    return render(
        request,
        "reporting/money/invoice_list.html",
        {
            "invoices": page.object_list,
            "page_obj": page,
            "page_query": others.urlencode(),
            "filters": g,
            "statuses": Invoice.Status.choices,
            "can_compute": can_compute,
            "lots": selectors.lots_for_provider(actor=request.user) if can_compute else [],
            "contracts": selectors.invoice_contracts(actor=request.user),
            "span": span,
            "next_period": span[1] + timedelta(days=1) if span else None,
        },
    )


@require_POST
def invoice_compute(request):
    require_roles(request, MANAGER)
    if not is_provider_manager(request.user):
        raise PermissionDenied
    lot = get_for_user(request.user, selectors.lots_for_provider(actor=request.user), pk=request.POST.get("lot") or 0)
    try:
        invoice = services.invoice_compute_draft(
            lot_id=lot.pk, period_start=date.fromisoformat(request.POST.get("period_start", ""))
        )
    except ValueError:
        messages.error(request, "Give the period's first day as YYYY-MM-DD.")
        return redirect("reporting:invoice_list")
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("reporting:invoice_list")
    return redirect("reporting:invoice_detail", pk=invoice.pk)


def invoice_detail(request, pk: int):
    invoice = selectors.invoice_get(actor=request.user, pk=pk)
    require_roles(request, selectors.VIEW_ROLES)
    can_manage = is_provider_manager(request.user) and invoice.provider_id == request.user.organisation_id
    return render(
        request,
        "reporting/money/invoice_detail.html",
        {
            **display.context(invoice),
            "credit_notes": selectors.invoice_list(actor=request.user).filter(credit_for=invoice),
            "can_issue": can_manage and invoice.status == Invoice.Status.DRAFT,
            "can_credit": can_manage and invoice.status == Invoice.Status.ISSUED and invoice.kind == "invoice",
        },
    )


@require_POST
def invoice_issue(request, pk: int):
    invoice = selectors.invoice_get(actor=request.user, pk=pk)
    require_roles(request, MANAGER)
    try:
        invoice = services.invoice_issue(invoice_id=invoice.pk, actor=request.user)
        messages.success(request, f"Issued as {invoice.number}. The PDF is being prepared.")
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("reporting:invoice_detail", pk=invoice.pk)


@require_http_methods(["GET", "POST"])
def invoice_credit_note(request, pk: int):
    invoice = selectors.invoice_get(actor=request.user, pk=pk)
    require_roles(request, MANAGER)
    errors: list[dict] = []
    if request.method == "POST":
        try:
            note = services.credit_note_issue(
                invoice_id=invoice.pk,
                amount=request.POST.get("amount", "").strip() or "0",
                reason=request.POST.get("reason", ""),
                actor=request.user,
            )
        except DomainError as exc:
            errors = exc.errors
        else:
            messages.success(request, f"Credit note {note.number} issued against {invoice.number}.")
            return redirect("reporting:invoice_detail", pk=note.pk)
    credited = sum((c.total for c in invoice.credit_notes.all()), Decimal("0.00"))
    return render(
        request,
        "reporting/money/credit_note_form.html",
        {
            "invoice": invoice,
            "remaining": invoice.total + credited,
            "errors": errors,
            "reason_errors": [e["message"] for e in errors if e.get("path") == "reason"],
            "amount_errors": [e["message"] for e in errors if e.get("path") != "reason"],
            "form": request.POST,
        },
        status=400 if errors else 200,
    )


def invoice_json(request, pk: int):
    invoice = selectors.invoice_get(actor=request.user, pk=pk)
    require_roles(request, selectors.VIEW_ROLES)
    return HttpResponse(outputs.invoice_json(invoice), content_type="application/json")


def invoice_lines_csv(request, pk: int):
    invoice = selectors.invoice_get(actor=request.user, pk=pk)
    require_roles(request, selectors.VIEW_ROLES)
    return csv_response(outputs.lines_csv(invoice), outputs.file_stem(invoice))


def invoice_detail_csv(request, pk: int):
    invoice = selectors.invoice_get(actor=request.user, pk=pk)
    require_roles(request, selectors.VIEW_ROLES)
    csv = outputs.detail_csv(invoice, name_workers=not is_commissioner(request.user))
    return csv_response(csv, f"{outputs.file_stem(invoice)}-detail")


def invoice_pdf(request, pk: int):
    """The stored PDF; until the worker has rendered it (a draft's preview is rendered when first asked
    for), a page saying it is being prepared."""
    invoice = selectors.invoice_get(actor=request.user, pk=pk)
    require_roles(request, selectors.VIEW_ROLES)
    if not invoice.pdf:
        services.invoice_pdf_request(invoice_id=invoice.pk)
        return render(request, "reporting/money/pdf_pending.html", {"invoice": invoice}, status=404)
    return pdf_response(invoice)


# --- Block pay -----------------------------------------------------------------------------------


def _pay_period(request) -> tuple[date, date]:
    """?period_start (default: the last complete four-week pay period) and optional ?period_end."""
    from django.utils import timezone

    from homecare.lib.dates import LONDON
    from reporting.money.pay import pay_period_containing

    org = request.user.organisation
    try:
        start = date.fromisoformat(request.GET["period_start"])
    except (KeyError, ValueError):
        today = timezone.now().astimezone(LONDON).date()
        start = pay_period_containing(org.pk, today - timedelta(days=28))[0]
    try:
        end = date.fromisoformat(request.GET["period_end"])
    except (KeyError, ValueError):
        end = start + timedelta(days=27)
    if end < start or (end - start).days > 92:
        end = start + timedelta(days=27)
    return start, end


def _require_provider_manager(request) -> None:
    require_roles(request, MANAGER)
    if not is_provider_manager(request.user):
        raise PermissionDenied


def pay_run_page(request):
    from reporting.money.pay import hours, pay_run

    _require_provider_manager(request)
    start, end = _pay_period(request)
    run = pay_run(provider_id=request.user.organisation_id, first_day=start, last_day=end)
    rows = [
        {
            "w": w,
            "paid": hours(w.paid_min),
            "contact": hours(w.contact_min),
            "travel": hours(w.travel_min),
            "training": hours(w.training_min + w.meeting_min),
            "gap": hours(w.gap_min),
            "top_up": hours(w.top_up_min),
        }
        for w in run.workers
    ]
    page = Paginator(rows, WORKERS_PER_PAGE).get_page(request.GET.get("page"))
    others = request.GET.copy()
    others.pop("page", None)
    return render(
        request,
        "reporting/money/pay_run.html",
        {
            "run": run,
            "rows": page.object_list,
            "page_obj": page,
            "page_query": others.urlencode(),
            "start": start,
            "end": end,
            "previous": start - timedelta(days=28),
            "next": start + timedelta(days=28),
            "totals": {
                "paid": hours(run.total("paid_min")),
                "contact": hours(run.total("contact_min")),
                "travel": hours(run.total("travel_min")),
                "top_up": hours(run.total("top_up_min")),
            },
        },
    )


def pay_run_csv(request):
    from reporting.money.pay import pay_run, pay_run_csv

    _require_provider_manager(request)
    start, end = _pay_period(request)
    run = pay_run(provider_id=request.user.organisation_id, first_day=start, last_day=end)
    return csv_response(pay_run_csv(run), f"pay-run-{request.user.organisation.ref}-{start}-{end}")


# --- Where they meet -----------------------------------------------------------------------------

FINANCE_ROLES = {Role.PROVIDER_MANAGER, Role.COMMISSIONER_OFFICER}


def finance_page(request):
    from django.utils import timezone

    from homecare.lib.dates import LONDON
    from reporting.money.finance import contract_finance, visible_contracts

    require_roles(request, FINANCE_ROLES)
    span = selectors.invoice_span(actor=request.user)
    try:
        day = date.fromisoformat(request.GET["date"])
    except (KeyError, ValueError):
        # The latest period with invoices (the one the figures are about), not a period just begun.
        day = timezone.now().astimezone(LONDON).date() - timedelta(days=1)
        if span is not None and span[1] < day:
            day = span[1]
    rows = [
        contract_finance(contract=c, day=day, actor=request.user)
        for c in visible_contracts(request.user)
        if c.start <= day
    ]
    org = request.user.organisation
    return render(
        request,
        "reporting/money/finance.html",
        {
            "rows": rows,
            "day": day,
            "is_manager": is_provider_manager(request.user),
            "shares": bool(org and org.shares_finance_with_commissioners),
            "span": span,
        },
    )


@require_POST
def finance_share(request):
    _require_provider_manager(request)
    share = request.POST.get("share") == "yes"
    services.organisation_share_finance(organisation_id=request.user.organisation_id, share=share, actor=request.user)
    messages.success(
        request, "Commissioners of your contracts can now see this page." if share else "This page is now yours only."
    )
    return redirect("reporting:finance")


def pay_shifts_csv(request):
    """Per shift: paid, contact, travel, training, meeting and gap hours, for checking a pay run."""
    import io

    from homecare.lib.dates import LONDON
    from homecare.lib.exports import csv_writer
    from reporting.money.pay import hours, shift_rows

    _require_provider_manager(request)
    start, end = _pay_period(request)
    rows = shift_rows(provider_id=request.user.organisation_id, first_day=start, last_day=end)
    refs = dict(Worker.objects.filter(provider=request.user.organisation).values_list("pk", "ref"))
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(
        ["shift", "worker", "kind", "start", "end", "paid", "contact", "travel", "training", "meeting", "gap"]
    )
    for r in rows:
        writer.writerow(
            [
                r["shift"],
                refs.get(r["worker_id"], ""),
                r["kind"],
                r["start"].astimezone(LONDON).strftime("%Y-%m-%dT%H:%M"),
                r["end"].astimezone(LONDON).strftime("%Y-%m-%dT%H:%M"),
            ]
            + [hours(r[k]) for k in ("paid_min", "contact_min", "travel_min", "training_min", "meeting_min", "gap_min")]
        )
    return csv_response(out.getvalue(), f"shifts-{request.user.organisation.ref}-{start}-{end}")
