"""`python manage.py create_user --email E --organisation REF --role ROLE [--role ROLE] [--org-admin]`

Gives a new installation each organisation's first admin (who then invites everyone else from the
Users page). The password comes from HOMECARE_PASSWORD or is asked for twice."""

from __future__ import annotations

import getpass
import os

import pghistory
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from commissioning.management.commands._organisation import organisation_by_ref
from commissioning.models import Role
from commissioning.services import user_create

PASSWORD_VARIABLE = "HOMECARE_PASSWORD"


class Command(BaseCommand):
    help = "Create a user of an organisation with a password (e.g. its first organisation admin)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--organisation", required=True, help="the organisation's ref (or provider:REF)")
        parser.add_argument("--role", action="append", required=True, choices=list(Role.values), dest="roles")
        parser.add_argument("--org-admin", action="store_true", help="may invite users and issue API tokens")
        parser.add_argument("--name", default="", help="full name (optional)")

    def handle(self, *args, **options):
        fields = self._fields(options)
        try:
            with pghistory.context(command="create_user"):
                user = user_create(**fields)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        admin = " (organisation admin)" if user.is_org_admin else ""
        self.stdout.write(f"Created {user.email}: {user.roles_label} of {user.organisation.name}{admin}.")

    def _fields(self, options) -> dict:
        """The service's arguments from the command line; each option resolves to one of them."""
        return {
            "email": options["email"],
            "organisation": organisation_by_ref(options["organisation"]),
            "roles": options["roles"],
            "is_org_admin": options["org_admin"],
            "name": options["name"],
            "password": self._password(),
        }

    def _password(self) -> str:
        password = os.environ.get(PASSWORD_VARIABLE)
        if password:
            return password
        if not self.stdin_is_interactive():
            raise CommandError(f"Set {PASSWORD_VARIABLE} or run the command in a terminal to type the password.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first

    @staticmethod
    def stdin_is_interactive() -> bool:
        import sys

        return sys.stdin.isatty()
