"""`python manage.py bench import|returns|invoices|rota|dashboard|planner [--scale city] [...]`: performance
figures, printed.
Benchmarks, not tests: they never fail CI, they tell us where we stand against the targets."""

from __future__ import annotations

from importlib import import_module

from django.core.management.base import BaseCommand, CommandError

# Each benchmark generates its own demo data (so it sits in this top layer) and exposes add_arguments(parser) and run(stdout, **opts).
BENCHMARKS = {
    "import": "demo.bench.imports",
    "returns": "demo.bench.returns",
    "invoices": "demo.bench.invoices",
    "rota": "demo.bench.rota",
    "dashboard": "demo.bench.dashboard",
    "planner": "demo.bench.planner",
}


class Command(BaseCommand):
    help = "Run a benchmark and print its figures: " + ", ".join(BENCHMARKS)

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="which", required=True)
        for name, module in BENCHMARKS.items():
            p = sub.add_parser(name)
            p.add_argument("--scale", choices=["pilot", "city"], default="city")
            try:
                import_module(module).add_arguments(p)
            except (ImportError, AttributeError):
                pass

    def handle(self, *args, which, **opts):
        try:
            module = import_module(BENCHMARKS[which])
        except ImportError as exc:
            raise CommandError(f"benchmark {which!r} is not available: {exc}")
        module.run(self.stdout, **opts)
