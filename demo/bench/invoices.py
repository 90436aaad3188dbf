"""`python manage.py bench invoices --scale city`: a four-week invoice for a city-scale provider
against a bare SQL floor over the same visits, at two data sizes.

It shares the returns benchmark's databases (`homecare_bench` and `homecare_bench_small`, a tenth of
the people with the same year of history; created, migrated and seeded by
demo.bench.returns on first use, then reused). The invoice measured is lot 1 of BC-BP01 for the
settlement period 11 August to 7 September 2025 (four-weekly from the contract's start). So that
every rule runs, the lot is given the worked example's terms inside a transaction that is rolled
back at the end: the shared databases are left as they were.

Figures printed: seconds for compute_invoice (lines, exceptions, top-up, credits: what the JSON,
CSV and page need), for a whole draft (compute + upsert), for what issuing adds (copying the visit-level detail into
InvoiceDetail; includes one more compute),
for the floor (one aggregate reading the same visits and attendances), their ratio (target <= 3),
and the query count at both sizes (target: the same)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date

from django.conf import settings
from django.db import connection, transaction

from homecare.lib.sql import sql_loader

sql = sql_loader(__file__)

PERIOD = date(2025, 8, 11)
# Each side is timed REPEATS times and its best run kept (the machine is shared; the best run is
# the one least disturbed by other work). The invoice and the floor are treated alike.
REPEATS = 7


def add_arguments(parser) -> None:
    import argparse

    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the bench databases")
    parser.add_argument("--child", choices=["measure"], help=argparse.SUPPRESS)


def run(stdout, *, scale: str = "city", fresh: bool = False, child: str | None = None, **opts) -> None:
    if child == "measure":
        stdout.write(json.dumps(measure()))
        return
    from demo.bench.returns import SCALES, _prepare
    from demo.bench.scratch import database_url

    providers, people = SCALES[scale]
    base = "homecare_bench" if scale == "city" else f"homecare_bench_{scale}"
    results = {}
    for label, name, n in (("full", base, people), ("10x fewer visits", f"{base}_small", max(people // 10, 1))):
        url = database_url(name)
        _prepare(stdout, name, url, providers=providers, people=n, fresh=fresh)
        env = {**os.environ, "DATABASE_URL": url}
        cmd = [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench", "invoices", "--child", "measure"]
        out = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout
        results[label] = json.loads(out.strip().splitlines()[-1])
    _report(stdout, scale, results)


def _report(stdout, scale: str, results: dict) -> None:
    stdout.write(
        f"\nbench invoices --scale {scale}: BC-BP01 lot 1, period {PERIOD} (four weeks); "
        f"seconds are the best of {REPEATS} runs, for the invoice and the floor alike\n"
    )
    stdout.write(
        f"{'database':<18}{'visits':>12}{'period visits':>15}{'invoice s':>11}{'draft s':>10}{'floor s':>10}"
        f"{'detail s':>10}{'ratio':>8}{'queries':>9}{'total':>14}"
    )
    for label, r in results.items():
        stdout.write(
            f"{label:<18}{r['visits']:>12,}{r['period_visits']:>15,}{r['invoice_seconds']:>11.4f}"
            f"{r['draft_seconds']:>10.4f}{r['floor_seconds']:>10.4f}{r['detail_seconds']:>10.4f}{r['ratio']:>8.2f}{r['queries']:>9}"
            f"{r['total']:>14}"
        )
    full, small = results["full"], results["10x fewer visits"]
    stdout.write(
        f"\ninvoice time full/small: {full['invoice_seconds'] / small['invoice_seconds']:.2f}x for "
        f"{full['period_visits'] / max(small['period_visits'], 1):.1f}x the period's visits; "
        f"query count identical: {full['queries'] == small['queries']}; "
        f"ratio target <= 3 at full size met: {full['ratio'] <= 3} (at the small size a fixed ~10 ms of "
        f"planning and the lot/credit look-ups weigh against a floor of a few ms)"
    )


def _best(fn) -> float:
    times = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


class _Rollback(Exception):
    pass


def measure() -> dict:
    from django.test.utils import CaptureQueriesContext

    from commissioning.models import Lot
    from homecare.lib.dates import local_midnight
    from reporting.money.invoice_compute import compute_invoice
    from reporting.money.periods import period_bounds
    from reporting.money.services import invoice_compute_draft

    out: dict = {}
    try:
        with transaction.atomic():
            lot = Lot.objects.select_related("contract").get(contract__ref="BC-BP01", number=1)
            with connection.cursor() as cur:
                cur.execute(sql("invoices_terms"), [lot.pk])
            start, end = period_bounds(lot.contract, PERIOD)
            bounds = [local_midnight(start), local_midnight(date.fromordinal(end.toordinal() + 1))]

            def floor():
                with connection.cursor() as cur:
                    cur.execute(sql("invoices_floor"), [lot.provider_id, lot.contract_id, lot.number, *bounds])
                    return cur.fetchone()

            def invoice():
                return compute_invoice(lot_id=lot.pk, period_start=PERIOD)

            data, _ = invoice()  # warm-up
            period_rows = floor()
            with CaptureQueriesContext(connection) as queries:
                invoice()
            out["invoice_seconds"] = _best(invoice)
            out["floor_seconds"] = _best(floor)
            out["draft_seconds"] = _best(lambda: invoice_compute_draft(lot_id=lot.pk, period_start=PERIOD))
            # What issuing adds: copying the visit-level rows into InvoiceDetail (one INSERT ... SELECT).
            draft = invoice_compute_draft(lot_id=lot.pk, period_start=PERIOD)
            t = time.perf_counter()
            invoice()[1].insert_into(draft.pk, draft.provider_id)
            out["detail_seconds"] = time.perf_counter() - t
            with connection.cursor() as cur:
                cur.execute("SELECT count(*) FROM rota_visit")
                out["visits"] = cur.fetchone()[0]
            out.update(
                period_visits=period_rows[1],
                ratio=out["invoice_seconds"] / out["floor_seconds"],
                queries=len(queries.captured_queries),
                total=data["total"],
            )
            raise _Rollback
    except _Rollback:
        pass
    return out
