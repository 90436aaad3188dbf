"""When each referral's care started: the first check-in of the person's first delivered visit after
the referral was received. The referral queue (outcomes, a lower layer) asks for it through the
finder rota registers in its AppConfig.ready."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import connection

from homecare.lib.sql import sql_loader

sql = sql_loader(__file__)


def first_check_ins(keys: Iterable[tuple[int, int, datetime]]) -> dict[int, datetime]:
    """{referral id: first check-in} for (referral id, person id, received) triples; one statement."""
    keys = list(keys)
    if not keys:
        return {}
    ids, people, received = (list(col) for col in zip(*keys, strict=True))
    with connection.cursor() as cur:
        cur.execute(sql("first_check_ins"), {"referrals": ids, "people": people, "received": received})
        return dict(cur.fetchall())
