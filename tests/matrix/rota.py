"""Expectations for the rota app: ECM ingest (REST) and the CSV upload page.

Provider managers and coordinators (of any provider: each writes to its own visits only) and
provider tokens (the ECM system) may push attendances; commissioners, trusted assessors, care
workers and social workers may not."""

from __future__ import annotations

from tests.matrix._personas import OTHER_PROVIDER, PROVIDER_TOKEN

INGESTERS = frozenset({"provider_manager", "coordinator", OTHER_PROVIDER})

EXPECTATIONS: dict = {
    "ecm-attendances": {
        "allowed": INGESTERS | {PROVIDER_TOKEN},
        "method": "post",
        "data": {"attendances": []},
    },
    "rota:ecm-upload": {"allowed": INGESTERS},
    # Without a previewed upload in the session, confirm redirects back to the upload page.
    "rota:ecm-upload-confirm": {"allowed": INGESTERS, "method": "post", "ok": {302}},
}
