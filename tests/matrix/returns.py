"""Expectations for the weekly returns' pages and API.

Who: provider managers and coordinators work on their returns (managers sign off); commissioner
officers read submitted returns under contracts they commission; trusted assessors, care workers and
social workers have no access. API tokens act for their organisation (commissioner: read; provider:
read and recompute). Another organisation's return is a 404. Runs (a provider's recomputations) are
the provider's own: a commissioner gets 404."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from reporting.models.returns import ReturnRun
from tests.matrix._personas import OTHER_ORGS, PROVIDER_TOKEN, TOKENS
from tests.reporting.test_return_outputs import stored_return

WEEK = date(2025, 9, 8)
READERS = frozenset({"provider_manager", "coordinator", "commissioner_officer"})
WORKERS = frozenset({"provider_manager", "coordinator"})


def _submitted(fx):
    """A submitted return of fx.contract with its PDF stored (commissioners see submitted ones only)."""
    name = default_storage.save("returns/matrix.pdf", ContentFile(b"%PDF-1.4\n%matrix\n"))
    return stored_return(fx.contract, week_start=WEEK, status="submitted", pdf=name)


def _draft(fx):
    return stored_return(fx.contract, week_start=date(2025, 9, 15))


def _pk_submitted(fx) -> dict:
    return {"pk": _submitted(fx).pk}


def _run(fx) -> dict:
    run = ReturnRun.objects.create(provider=fx.provider, contract=fx.contract, week_start=WEEK)
    return {"run_id": run.pk}


def _api_run(fx) -> dict:
    return {"pk": _run(fx)["run_id"]}


COMPUTE_DATA = {"contract": "C-P1", "week": "2025-W37"}

EXPECTATIONS: dict = {
    # Lists: each organisation sees its own rows, so other organisations' readers are allowed.
    "reporting:return_list": {"allowed": READERS | OTHER_ORGS},
    # Another provider names a contract it cannot see: 404; commissioners are not providers: 403.
    "reporting:return_compute": {"allowed": WORKERS, "method": "post", "data": COMPUTE_DATA, "ok": {302}},
    "reporting:return_detail": {"allowed": READERS, "kwargs": _pk_submitted},
    "reporting:return_records": {
        "allowed": READERS,
        "kwargs": lambda fx: {"pk": _submitted(fx).pk, "figure": "measures.5.people_supported"},
    },
    "reporting:return_recompute": {"allowed": WORKERS, "method": "post", "kwargs": _pk_submitted, "ok": {302}},
    "reporting:return_sign_off": [
        # A draft: commissioners do not see drafts (404), coordinators may not sign off (403).
        {"allowed": {"provider_manager"}, "kwargs": lambda fx: {"pk": _draft(fx).pk}},
        {"allowed": {"provider_manager"}, "method": "post", "kwargs": lambda fx: {"pk": _draft(fx).pk}, "ok": {302}},
    ],
    "reporting:return_pdf": {"allowed": READERS, "kwargs": _pk_submitted},
    "reporting:return_csv": {"allowed": READERS, "kwargs": _pk_submitted},
    "reporting:return_json": {"allowed": READERS, "kwargs": _pk_submitted},
    "reporting:return_run": {"allowed": WORKERS, "kwargs": _run},
    "reporting:return_run_status": {"allowed": WORKERS, "kwargs": _run},
    # API
    "returns-api-list": {"allowed": READERS | OTHER_ORGS | TOKENS},
    "returns-api-detail": {"allowed": READERS | TOKENS, "kwargs": _pk_submitted},
    # The same view with a format suffix (/api/v1/returns/<pk>.csv|pdf|json).
    "returns-api-detail-format": [
        {"allowed": READERS | TOKENS, "kwargs": lambda fx, f=f: {**_pk_submitted(fx), "format": f}}
        for f in ("json", "csv", "pdf")
    ],
    "returns-api-recompute": {
        "allowed": WORKERS | {PROVIDER_TOKEN},
        "method": "post",
        "data": COMPUTE_DATA,
        "ok": {202},
    },
    "returns-api-run": {"allowed": WORKERS | {PROVIDER_TOKEN}, "kwargs": _api_run},
}
