"""Who has visited whom, worked out once a day per provider (rota_acquaintance): for each person and
care worker, the last day they met in the 12 weeks before the day and their visits in its last 4.

The board needs this for every visit on it (the information "has not met this care worker in 12
weeks" and the continuity figures), and reading 12 weeks of attendances for a team's people on every
redraw would cost more than the rest of the board together. The nightly job refreshes every
provider; a board opened on a day not yet worked out refreshes its provider first (one set-based
statement, once a day). The single assignment check reads the attendances themselves, exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from homecare.lib.dates import local_midnight
from homecare.lib.sql import sql_loader
from rota.checks import MET_WITHIN_DAYS
from rota.plan_models import AcquaintanceRefresh
from rota.selectors import CONTINUITY_DAYS, TOP_WORKERS

sql = sql_loader(__file__, folder="queries")


@transaction.atomic
def acquaintances_refresh(*, provider_id: int, as_of: date | None = None) -> int:
    """Work the provider's acquaintances out again for `as_of` (default today); returns the pairs."""
    as_of = as_of or timezone.localdate()
    with connection.cursor() as cursor:
        # One refresher per provider at a time (the nightly job and a board opened at that moment).
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('rota_acquaintance'), %s)", [provider_id])
        if AcquaintanceRefresh.objects.filter(provider_id=provider_id, as_of=as_of).exists():
            cursor.execute("SELECT count(*) FROM rota_acquaintance WHERE provider_id = %s", [provider_id])
            return cursor.fetchone()[0]
        cursor.execute("DELETE FROM rota_acquaintance WHERE provider_id = %s", [provider_id])
        cursor.execute(
            sql("acquaintance_refresh"),
            {
                "provider": provider_id,
                "since": local_midnight(as_of - timedelta(days=MET_WITHIN_DAYS)),
                "since4": local_midnight(as_of - timedelta(days=CONTINUITY_DAYS)),
                "until": local_midnight(as_of),
            },
        )
        pairs = cursor.rowcount
    AcquaintanceRefresh.objects.update_or_create(
        provider_id=provider_id, defaults={"as_of": as_of, "refreshed_at": timezone.now()}
    )
    return pairs


@dataclass
class Acquaintances:
    as_of: date
    met: set[tuple[int, int]]  # (person, worker) who met in the 12 weeks before as_of
    visits: dict[int, dict[int, int]]  # person -> worker -> visits in the 4 weeks before as_of

    def continuity(self, person_id: int) -> tuple[int, int, float | None]:
        """(visits, distinct care workers, share by the 3 most frequent) over the 4 weeks."""
        counts = sorted((n for n in self.visits.get(person_id, {}).values() if n), reverse=True)
        total = sum(counts)
        return total, len(counts), (sum(counts[:TOP_WORKERS]) / total if total else None)


def acquaintances(provider_id: int, people: list[int]) -> Acquaintances:
    """The provider's acquaintances of these people as of today (worked out first if they are not)."""
    today = timezone.localdate()
    if not AcquaintanceRefresh.objects.filter(provider_id=provider_id, as_of=today).exists():
        acquaintances_refresh(provider_id=provider_id, as_of=today)
    met: set[tuple[int, int]] = set()
    visits: dict[int, dict[int, int]] = {}
    first = today - timedelta(days=MET_WITHIN_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT person_id, worker_id, last_met, visits_4w FROM rota_acquaintance WHERE person_id = ANY(%s)",
            [people],
        )
        for person_id, worker_id, last_met, n in cursor.fetchall():
            if last_met >= first:
                met.add((person_id, worker_id))
            visits.setdefault(person_id, {})[worker_id] = n
    return Acquaintances(as_of=today, met=met, visits=visits)
