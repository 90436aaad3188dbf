"""`python manage.py issue_token --organisation REF --name NAME [--scope read|write] [--expires YYYY-MM-DD]`

Prints a new API token's key once (only its hash is stored), for setting up a system integration
from the server. On the web, tokens are issued on /commissioning/tokens/ (which asks for TOTP)."""

from __future__ import annotations

from datetime import date

import pghistory
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from commissioning.management.commands._organisation import organisation_by_ref
from commissioning.models import ApiToken
from commissioning.services import api_token_issue


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--expires: {value!r} is not a date like 2027-12-31") from None


class Command(BaseCommand):
    help = "Issue an API token for an organisation and print its key (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="the organisation's ref (or provider:REF)")
        parser.add_argument("--name", required=True, help="what the token is for, e.g. 'ECM nightly upload'")
        parser.add_argument("--scope", choices=list(ApiToken.Scope.values), default=ApiToken.Scope.READ)
        parser.add_argument("--expires", type=_date, help="the last day it works (default: a year from today)")

    def handle(self, *args, organisation: str, name: str, scope: str, expires: date | None, **options):
        org = organisation_by_ref(organisation)
        try:
            with pghistory.context(command="issue_token"):
                token, key = api_token_issue(organisation=org, name=name, scope=scope, expires=expires)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stderr.write(
            f"Token “{token.name}” for {org.name} ({token.get_scope_display().lower()}, "
            f"until {token.expires:%-d %B %Y}). The key is shown once:"
        )
        self.stdout.write(key)
