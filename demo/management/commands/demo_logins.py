"""`manage.py demo_logins --url URL`: make sure there is a demo login per role, then print them."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from commissioning.models import Role
from demo.logins import DEMO_PASSWORD, demo_users_ensure
from demo.safety import refuse_in_production


class Command(BaseCommand):
    help = "Create or refresh one demo user per role and print the URL and the logins."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Where the server listens.")

    def handle(self, *args, url: str, **options):
        refuse_in_production("demo_logins")
        users = demo_users_ensure()
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS(f"homecare is running at {url}"))
        if not users:
            out.write("No organisations in the database yet: load demo data first (manage.py seed_demo).")
            return
        rows = [
            (
                u.email,
                ", ".join(Role(r).label for r in u.roles) + (" (org admin)" if u.is_org_admin else ""),
                str(u.organisation),
            )
            for u in users
        ]
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(("Email", "Role", "Organisation"))]
        line = "  ".join("{:<%d}" % w for w in widths)  # noqa: UP031 - a width computed at run time
        out.write("")
        out.write(line.format("Email", "Role", "Organisation").rstrip())
        out.write(line.format(*("-" * w for w in widths)))
        for row in rows:
            out.write(line.format(*row).rstrip())
        out.write("")
        out.write(f"Password for every demo login: {DEMO_PASSWORD}")
