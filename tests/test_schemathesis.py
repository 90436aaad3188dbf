"""`schemathesis run --checks all` against /api/schema/ on a live server, with a provider's token and
a commissioner's, finds nothing: no 5xx, every status and content type documented, bodies as their
schemas say, bad input refused, good input accepted (schemathesis.toml says what "accepted" means).

Bounded (a few examples per operation, a fixed seed) so the suite stays fast; the README says how to
run it longer against `make run`."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client, override_settings

from commissioning.api.authentication import hash_key
from commissioning.models import ApiToken
from reporting.money.services import invoice_compute_draft, invoice_issue
from reporting.returns.services import weekly_return_compute, weekly_return_submit
from tests.reporting.money_factories import make_person, make_visit, make_worker

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "3"))


def _token(org, name: str) -> str:
    key = f"st-{name[:4]}-0123456789abcdef"
    # The provider's token writes (ECM, imports, recompute) so every operation is reached; the council's reads.
    scope = "write" if org.is_provider else "read"
    ApiToken.objects.create(organisation=org, name=name, prefix=key[:12], key_hash=hash_key(key), scope=scope)
    return key


@pytest.fixture
def scenario(contract, manager, council):
    """P1 with a worker, a visit, a submitted return and an issued invoice; tokens for P1 and the council."""
    contract.lots.update(billing_basis="planned")
    worker = make_worker(contract.provider, ref="W1")
    make_visit(
        make_person(contract, lot=1), "2025-08-05T09:00", minutes=60, attend=[(worker, "09:00", "10:00")], ref="V1"
    )
    wr = weekly_return_compute(contract_id=contract.pk, week_start=date(2025, 8, 4))
    weekly_return_submit(weekly_return_id=wr.pk, actor=manager)
    invoice_issue(
        invoice_id=invoice_compute_draft(lot_id=contract.lots.get(number=1).pk, period_start=date(2025, 8, 4)).pk,
        actor=manager,
    )
    assert Decimal(contract.lots.get(number=1).rates.first().hourly_rate) == Decimal("26.22")
    return {"provider": _token(contract.provider, "provider"), "commissioner": _token(council, "council")}


def _start(live_server, key: str, phases: str, workdir: Path) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file", str(ROOT / "schemathesis.toml"),
        "run",
        f"{live_server.url}/api/schema/",
        "--checks", "all",
        "--header", f"Authorization: Token {key}",
        "--max-examples", str(EXAMPLES),
        "--seed", "20251208",
        "--workers", "1",
        "--phases", phases,
        "--no-color",
        # The tests' Celery runs tasks in the request (eager): a recompute renders the return's PDF
        # there, seconds on a busy machine, where production only queues it.
        "--request-timeout", "60",
    ]  # fmt: skip
    # Run elsewhere: schemathesis keeps a cache of what it found in .schemathesis/ of its directory.
    return subprocess.Popen(command, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@override_settings(HOMECARE_API_WRITE_RATE="100000/min")  # the rate limit has its own test
def test_schemathesis_finds_nothing_with_a_providers_or_a_commissioners_token(live_server, scenario, tmp_path):
    # Both at once: the live server answers each request in a thread of its own. drf-spectacular loads
    # its extensions on the first schema request, not safely from two threads: make it once first.
    assert Client(HTTP_AUTHORIZATION=f"Token {scenario['provider']}").get("/api/schema/").status_code == 200
    # The coverage phase (every boundary of every parameter, not bounded by --max-examples) is most of
    # the time: it runs with the provider's token, which reaches every operation; the commissioner's
    # run has the other phases. The README's longer run does all phases with both.
    runs = {
        "provider": _start(live_server, scenario["provider"], "examples,coverage,fuzzing,stateful", tmp_path),
        "commissioner": _start(live_server, scenario["commissioner"], "examples,fuzzing,stateful", tmp_path),
    }
    failures = []
    for who, run in runs.items():
        output, _ = run.communicate(timeout=600)
        if run.returncode != 0:
            failures.append(f"--- as the {who} ---\n{output[-12000:]}")
    assert not failures, "\n".join(failures)
