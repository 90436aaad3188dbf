"""The derived rota totals of a first load (rota_shifttotals, rota_visittotals), worked out by the
staging session from the staged rows while the import's transaction writes them (parallel.py).

Rota's statement triggers keep those totals up to date on every write (rota/sql/*.sql). For a
city's first load they cost more than any write of the import itself (about 3.5 s of a city month,
all on the import's one connection). When none of the bundle's providers has a rota stored yet,
every total of theirs comes from the bundle alone, so it can be worked out beside the writes:

* by rota's own rules, not a copy of them: `rota_shift_totals_select_sql` and
  `rota_visit_totals_select_sql` take their inputs as SQL, here the staged rows;
* keyed by the ids the rows were staged with (staging.ID_LISTS), which the import's plain inserts
  keep, so the order of ids (the rules' last tie-break) is the one the rows get;
* written by the import's transaction (`insert_visits` as soon as the staging session has made them,
  while it works out the shifts'; then `insert_shifts`), with rota's triggers told to leave the
  totals to it (`SUPPLIED`, a setting local to that transaction: `claim`)."""

from __future__ import annotations

# Rota's totals triggers do nothing while this transaction-local setting says so (rota/sql/*.sql).
SETTING = "homecare.rota_totals"
SUPPLIED = "supplied"

# The staged rota in the shapes the rules read (rota_shift_totals_select_sql,
# rota_visit_totals_select_sql); a worker is known by its staged row's index.
_SHIFTS = (
    'SELECT s.id, w.idx AS worker_id, s.start, s."end" FROM stg_shifts s '
    "JOIN stg_workers w ON w.prov = s.prov AND w.ref = s.worker"
)
_ATTENDANCES = (
    "SELECT a.id, w.idx AS worker_id, a.check_in, a.check_out, p.home_lat, p.home_lon, "
    "coalesce(w.travel_mode, 'walk') AS travel_mode FROM stg_attendances a "
    "JOIN stg_workers w ON w.prov = a.prov AND w.ref = a.worker "
    "JOIN stg_visits v ON v.idx = a.pidx "
    "JOIN stg_people p ON p.prov = v.prov AND p.ref = v.person "
    "WHERE a.check_in IS NOT NULL"
)
# A staged attendance knows its visit by the visit's index (pidx): grouped by that, and only then
# joined to the visits (one join of the groups instead of one of every attendance).
_VISIT_ATTENDANCES = "SELECT a.pidx AS visit_id, a.check_in, a.check_out FROM stg_attendances a"


def compute_visits(cursor, schema: str) -> None:
    """In the staging session, once the checks found nothing and the import's transaction has
    claimed a first load (`claim`): its visits' totals, into `schema`.tot_visits, for the import's
    transaction to write (then the shifts': `compute_shifts`)."""
    cursor.execute("SELECT rota_visit_totals_select_sql(%s)", [_VISIT_ATTENDANCES])
    cursor.execute(
        f"CREATE UNLOGGED TABLE {schema}.tot_visits AS SELECT v.id AS visit_id, v.prov, v.planned_start, "
        f"f.carers_done, f.longest FROM ({cursor.fetchone()[0]}) f JOIN stg_visits v ON v.idx = f.visit_id"
    )


def compute_shifts(cursor, schema: str) -> None:
    """In the staging session, after `compute_visits` made the visits' totals: the shifts'."""
    cursor.execute("SELECT rota_shift_totals_select_sql(%s, %s)", [_SHIFTS, _ATTENDANCES])
    cursor.execute(
        f"CREATE UNLOGGED TABLE {schema}.tot_shifts AS SELECT f.shift_id, s.prov, s.start, f.attendances, "
        f"f.contact, f.travel_minutes FROM ({cursor.fetchone()[0]}) f JOIN stg_shifts s ON s.id = f.shift_id"
    )


# The staged rota's providers that are stored already (a provider the bundle creates has no rota).
_PROVIDERS = (
    "SELECT id FROM commissioning_organisation WHERE kind = 'provider' "
    "AND ref IN (SELECT prov FROM stg_shifts UNION SELECT prov FROM stg_visits)"
)


def first_load_sql() -> str:
    """True when none of the staged rota's providers has a shift or a visit stored (so none has
    attendances or totals either): their totals then come from the bundle alone."""
    return (
        f"SELECT NOT EXISTS (SELECT 1 FROM ({_PROVIDERS}) p "
        "WHERE EXISTS (SELECT 1 FROM rota_shift s WHERE s.provider_id = p.id) "
        "OR EXISTS (SELECT 1 FROM rota_visit v WHERE v.provider_id = p.id))"
    )


def lock(cursor) -> None:
    """Take the staged rota's providers' totals locks, as rota's triggers do (rota_totals_lock_sql),
    so that no other writer of their rota computes totals meanwhile."""
    cursor.execute(f"SELECT count(pg_advisory_xact_lock(74010, id::int)) FROM ({_PROVIDERS} ORDER BY id) p")


def claim(cursor) -> bool:
    """In the import's transaction, before it writes the rota: take the locks, check that this is a
    first load, and if so switch rota's totals triggers off for this transaction. Whether it did."""
    lock(cursor)
    cursor.execute(first_load_sql())
    if not cursor.fetchone()[0]:
        return False
    cursor.execute("SELECT set_config(%s, %s, true)", [SETTING, SUPPLIED])
    return True


def insert_visits(cursor) -> None:
    """In the import's transaction, once its visits and attendances are written and the staging
    session has made their totals (keyed by the ids the rows were staged with, which a first load's
    plain inserts keep): those, while it works out the shifts'."""
    cursor.execute(
        "INSERT INTO rota_visittotals (visit_id, provider_id, planned_start, carers_done, longest) "
        "SELECT f.visit_id, o.id, f.planned_start, f.carers_done, f.longest FROM tot_visits f "
        "JOIN commissioning_organisation o ON o.kind = 'provider' AND o.ref = f.prov ORDER BY f.visit_id"
    )


def insert_shifts(cursor) -> None:
    """In the import's transaction, once the staging session is done: the shifts' totals; then
    rota's triggers are back on."""
    cursor.execute(
        "INSERT INTO rota_shifttotals (shift_id, provider_id, start, attendances, contact, travel_minutes) "
        "SELECT f.shift_id, o.id, f.start, f.attendances, f.contact, f.travel_minutes FROM tot_shifts f "
        "JOIN commissioning_organisation o ON o.kind = 'provider' AND o.ref = f.prov ORDER BY f.shift_id"
    )
    cursor.execute("SELECT set_config(%s, '', true)", [SETTING])
