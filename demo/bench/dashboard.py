"""`python manage.py bench dashboard --scale city`: server time and query count of the commissioners'
dashboard and of the trends page, for a commissioner of 2 providers and one of 18, over 52 weeks of
submitted returns (targets: under 500 ms, the same query count at both sizes).

The pages read the returns already computed, so the bench stores returns rather than visits: a city
(18 providers, two lots each, in 11 neighbourhoods) and 52 weeks of submitted returns per contract,
each a full document the size of a city return (every measure, 13-week series, 300 workers' training
lines). One commissioner commissions lot 1 of all 18 contracts, another lot 2 of two of them. A
database of its own (`homecare_bench_dashboard`), created, migrated and seeded once, then reused
(`--fresh` rebuilds it); seeding and measuring run in a child process pointed at it."""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection

from demo.bench.scratch import database_url, migrated_database

LAST_WEEK = date(2026, 11, 16)  # 2026-W47, the week measured
WEEKS = 52
SCALES = {"city": 18, "pilot": 4}
NEIGHBOURHOODS = 11
WORKERS_PER_PROVIDER = 300
REPEATS = 7  # best of this many requests, after one warm-up


def add_arguments(parser) -> None:
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the bench database")
    parser.add_argument("--child", choices=["seed", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--providers", type=int, help=argparse.SUPPRESS)


def run(stdout, *, scale: str = "city", fresh: bool = False, child: str | None = None, **opts) -> None:
    if child == "seed":
        seed(providers=opts["providers"])
        return
    if child == "measure":
        stdout.write(json.dumps(measure()))
        return
    providers = SCALES[scale]
    name = "homecare_bench_dashboard" if scale == "city" else f"homecare_bench_dashboard_{scale}"
    url = database_url(name)
    _prepare(stdout, name, url, providers=providers, fresh=fresh)
    result = json.loads(_child(url, ["--child", "measure"]).strip().splitlines()[-1])
    _report(stdout, scale, result)


# --- orchestration (parent process) ----------------------------------------------------------------


def _child(url: str, args: list[str]) -> str:
    env = {**os.environ, "DATABASE_URL": url, "HOMECARE_REQUIRE_MFA": "false"}
    cmd = [sys.executable, str(settings.BASE_DIR / "manage.py"), "bench", "dashboard", *args]
    return subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout


def _prepare(stdout, name: str, url: str, *, providers: int, fresh: bool) -> None:
    stored = migrated_database(name, fresh=fresh, count_sql="SELECT count(*) FROM reporting_weeklyreturn")
    if stored:
        stdout.write(f"{name}: reusing {stored:,} returns")
        return
    stdout.write(f"{name}: seeding {providers} providers x {WEEKS} weeks of returns ...")
    t = time.perf_counter()
    _child(url, ["--child", "seed", "--providers", str(providers)])
    stdout.write(f"{name}: seeded in {time.perf_counter() - t:.0f} s")


def _report(stdout, scale: str, r: dict) -> None:
    stdout.write(
        f"\nbench dashboard --scale {scale}: week 2026-W47, {r['returns']:,} returns stored "
        f"({r['document_kb']:.0f} kB each as JSON), best of {REPEATS} requests\n"
    )
    stdout.write(f"{'page':<38}{'providers':>10}{'rows':>6}{'server ms':>11}{'queries':>9}")
    for line in r["lines"]:
        stdout.write(
            f"{line['page']:<38}{line['providers']:>10}{line['rows']:>6}{line['ms']:>11.1f}{line['queries']:>9}"
        )
    for page in dict.fromkeys(line["page"] for line in r["lines"]):
        pair = [line for line in r["lines"] if line["page"] == page]
        same = len({line["queries"] for line in pair}) == 1
        fast = all(line["ms"] < 500 for line in pair)
        stdout.write(f"{page}: same query count at both sizes: {same}; under 500 ms: {fast}")


# --- seeding (child process) -----------------------------------------------------------------------


def _kpi(num: int, den: int, target: str) -> dict:
    if not den:
        return {"numerator": num, "denominator": den, "percent": None, "target": target, "met": None}
    pct = (Decimal(num) * 100 / den).quantize(Decimal("0.1"))
    return {
        "numerator": num,
        "denominator": den,
        "percent": str(pct),
        "target": target,
        "met": num * 100 >= Decimal(target) * den,
    }


def document(rng: random.Random, provider: str, contract: str, week: date, workers: list[str]) -> dict:
    """A return of a city provider's size and shape (numbers made up, deterministic)."""
    from homecare.lib.dates import iso_week

    targets = {1: "95.0", 2: "80.0", 3: "80.0", 4: "98.0", 5: "95.0", 6: "75.0", 7: "98.0"}
    dens = {1: (6, 1), 2: (5, 1), 3: (5, 1), 4: (1, 0), 5: (260, 40), 6: (230, 0), 7: (3100, 450)}
    kpis = {}
    for n, (d1, d2) in dens.items():
        by = {}
        tn = td = 0
        for lot, den in ((1, d1), (2, d2)):
            den = max(0, den + rng.randint(-den // 10 - 1, den // 10 + 1)) if den else 0
            miss = rng.random() * (0.12 if n != 7 else 0.04)
            num = den - int(den * miss)
            by[f"lot{lot}"] = _kpi(num, den, targets[n])
            tn, td = tn + num, td + den
        kpis[str(n)] = _kpi(tn, td, targets[n]) | {"by_lot": by}
    hours = Decimal(3300 + rng.randint(-200, 200))
    lots = {f"lot{n}": {"packages_started": rng.randint(0, 4), "packages_ended": rng.randint(0, 3)} for n in (1, 2)}
    measures: dict = {str(n): {"due": True} for n in range(1, 30)}
    measures["1"].update(lots)
    measures["5"].update(
        {"people_supported": 300, "by_lot": {"lot1": {"people_supported": 260}, "lot2": {"people_supported": 40}}}
    )
    measures["6"].update(
        {
            "hours_outside_home": "12.25",
            "delivered_hours": str(hours - 60),
            "by_lot": {"lot1": {"delivered_hours": str(hours - 400)}, "lot2": {"delivered_hours": "340.00"}},
        }
    )
    measures["9"].update(
        {"cases": [{"referral": f"R-{i}", "days": "1.5"} for i in range(4)], "median_days": "1.5", "mean_days": "1.5"}
    )
    measures["10"].update(
        {
            "care_plan_hours": str(hours),
            "by_lot": {"lot1": {"care_plan_hours": str(hours - 380)}, "lot2": {"care_plan_hours": "380.00"}},
            "weekly_series": [
                {"week_ending": str(week - timedelta(weeks=k)), "care_plan_hours": str(hours)} for k in range(13)
            ],
        }
    )
    measures["14"].update(
        {"travel_hours": "410.25", "travel_minutes_per_care_hour": str(Decimal(rng.randint(50, 110)) / 10)}
    )
    measures["16"].update({"sickness_days": 31, "sickness_percent": str(Decimal(rng.randint(10, 60)) / 10)})
    measures["17"].update(
        {
            "leavers": 2,
            "average_headcount": "301.5",
            "rolling_12_month_percent": str(Decimal(rng.randint(150, 450)) / 10),
        }
    )
    measures["19"].update(
        {
            "training_records": len(workers),
            "training_hours": "900.00",
            "by_worker": [
                {"worker": w, "courses": ["Moving and handling", "Medication"], "hours": "3.00"} for w in workers
            ],
        }
    )
    return {"provider": provider, "contract": contract, "week": iso_week(week), "kpis": kpis, "measures": measures}


def seed(*, providers: int) -> None:
    from commissioning.models import Contract, Lot, LotRate, Neighbourhood, Organisation, Role, User
    from homecare.lib.dates import LONDON, iso_week
    from reporting.models.returns import WeeklyReturn

    rng = random.Random(2026)
    big = Organisation.objects.create(kind="commissioner", ref="CITY", name="City Council")
    small = Organisation.objects.create(kind="commissioner", ref="SMALL", name="Small Trust")
    nhs = Organisation.objects.create(kind="commissioner", ref="NHS", name="Community NHS Trust")
    for ref, org in (("officer@city.example", big), ("officer@small.example", small)):
        User.objects.create_user(email=ref, password="bench", organisation=org, roles=[Role.COMMISSIONER_OFFICER])
    hoods = [
        Neighbourhood.objects.create(ref=f"N{i:02d}", name=f"Neighbourhood {i}", wards=[f"Ward {i}a", f"Ward {i}b"])
        for i in range(1, NEIGHBOURHOODS + 1)
    ]
    first_week = LAST_WEEK - timedelta(weeks=WEEKS - 1)
    rows = []
    for p in range(1, providers + 1):
        prov = Organisation.objects.create(
            kind="provider", ref=f"BP{p:02d}", name=f"Bench Provider {p:02d}", on_cost_factor=Decimal("1.25")
        )
        contract = Contract.objects.create(
            provider=prov, ref=f"BC-BP{p:02d}", neighbourhood=hoods[(p - 1) % len(hoods)],
            model="prime_provider" if p <= len(hoods) else "partnership", start=first_week, settlement="four_weekly",
        )  # fmt: skip
        for number, commissioner in ((1, big), (2, small if p <= 2 else nhs)):
            lot = Lot.objects.create(
                provider=prov, contract=contract, number=number, name=f"Lot {number}", commissioner=commissioner,
                expected_weekly_hours=Decimal("2900" if number == 1 else "400"), guaranteed_share=Decimal("0.80"),
            )  # fmt: skip
            LotRate.objects.create(provider=prov, lot=lot, effective_from=first_week, hourly_rate=Decimal("26.22"))
        workers = [f"BP{p:02d}-W{w:04d}" for w in range(WORKERS_PER_PROVIDER)]
        for k in range(WEEKS):
            week = first_week + timedelta(weeks=k)
            if rng.random() < 0.03:
                continue  # a missing return now and then
            due = datetime.combine(week + timedelta(days=9), datetime.min.time(), tzinfo=LONDON)
            submitted = due + timedelta(hours=rng.choice([-30, -20, -6, 5, 30]))
            rows.append(
                WeeklyReturn(
                    provider=prov,
                    contract=contract,
                    week=iso_week(week),
                    week_start=week,
                    version=1,
                    status="submitted",
                    figures=document(rng, prov.ref, contract.ref, week, workers),
                    submitted_at=submitted,
                    computed_at=submitted,
                )  # fmt: skip
            )
    WeeklyReturn.objects.bulk_create(rows, batch_size=200)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


# --- measuring (child process) ---------------------------------------------------------------------


def measure() -> dict:
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from commissioning.models import User
    from reporting.models.returns import WeeklyReturn

    # The test client's host name; requests are made in this process, not over the network.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    pages = [
        ("dashboard (12-week trends)", "/reporting/dashboard/?week=2026-W47"),
        ("trends: KPI 7, 52 weeks", "/reporting/trends/?figure=kpi:7&from=2025-W48&to=2026-W47"),
        ("trends: capacity, 52 weeks", "/reporting/trends/?figure=measure:10&from=2025-W48&to=2026-W47"),
    ]
    lines = []
    for page, url in pages:
        for email in ("officer@small.example", "officer@city.example"):
            user = User.objects.get(email=email)
            client = Client()
            client.force_login(user)
            first = client.get(url)
            assert first.status_code == 200, (url, first.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            count = len(queries)  # now: with DEBUG on, the log's window moves as requests go on
            best = float("inf")
            for _ in range(REPEATS):
                t = time.perf_counter()
                client.get(url)
                best = min(best, time.perf_counter() - t)
            html = first.content.decode()
            # Dashboard: one row per provider contract lot; trends: one table column per provider.
            rows = (
                html.count('data-kpi="7"')
                if url.startswith("/reporting/dashboard/")
                else html.count('scope="col">Bench')
            )
            providers = user.organisation.commissioned_lots.values("contract__provider").distinct().count()
            lines.append({"page": page, "providers": providers, "rows": rows, "ms": best * 1000, "queries": count})
    doc = WeeklyReturn.objects.order_by("id").values_list("figures", flat=True).first()
    return {"returns": WeeklyReturn.objects.count(), "document_kb": len(json.dumps(doc)) / 1024, "lines": lines}
