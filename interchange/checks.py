"""Cross-record rules, as set-based SQL over the staging tables. Each check is one query returning
(path, message) rows, however many records the bundle has."""

from __future__ import annotations

from rota.rules import CHECK_IN_EARLIEST_BEFORE_START, CHECK_IN_LATEST_AFTER_END, LONGEST_ATTENDANCE

from .lists import BY_NAME, LISTS, BundleList
from .staging import q, stg


def path(lst: BundleList, field: str | None = None, alias: str = "s") -> str:
    """SQL building the JSON path of a staged row: visits[41].attendances[0].check_out."""
    tail = f".{field}" if field else ""
    if lst.parent:
        return f"format('{lst.parent}[%s].{lst.name}[%s]{tail}', {alias}.pidx, {alias}.idx)"
    return f"format('{lst.name}[%s]{tail}', {alias}.idx)"


def derive_owners(cursor, unowned: set[str] | None = None) -> None:
    """Fill `prov` (the owning provider's ref) where the reader could not (a record read before the
    record it hangs off), parents first (LISTS order). `unowned`: the lists where the reader staged
    a good row without its owner (None: any may have); the others need no pass over their rows.

    Each staging table is then ANALYZEd for the checks' and upserts' joins, from a sample of 3,000
    rows instead of 30,000 (statistics target 10): the plans need sizes and rough distinct counts,
    and the full sample cost 0.9 s for a city, 0.1 s this way."""
    cursor.execute("SELECT current_setting('default_statistics_target')")
    previous = cursor.fetchone()[0]
    cursor.execute("SELECT set_config('default_statistics_target', '10', true)")
    for lst in LISTS:
        t = stg(lst)
        if unowned is not None and lst.name not in unowned:
            pass
        elif lst.owner and lst.owner[0] == "direct":
            cursor.execute(f"UPDATE {t} SET prov = provider WHERE prov IS NULL AND provider IS NOT NULL")
        elif lst.owner and lst.owner[0] == "via":
            _, field, target = lst.owner
            cursor.execute(
                f"UPDATE {t} s SET prov = p.prov FROM "
                f"(SELECT DISTINCT ON (ref) ref, prov FROM {stg(BY_NAME[target])} ORDER BY ref, idx) p "
                f"WHERE s.prov IS NULL AND p.ref = s.{q(field)}"
            )
        elif lst.parent:
            cursor.execute(
                f"UPDATE {t} s SET prov = p.prov FROM {stg(BY_NAME[lst.parent])} p "
                f"WHERE s.prov IS NULL AND p.idx = s.pidx AND p.prov IS NOT NULL"
            )
        cursor.execute(f"ANALYZE {t}")
    cursor.execute("SELECT set_config('default_statistics_target', %s, true)", [previous])


def _duplicates() -> list[str]:
    sql = []
    for lst in LISTS:
        if "ref" in lst.fmap:
            key, what = "ref", "ref"
        elif lst.name == "lots":
            key, what = "pidx, lot", "lot"
        elif lst.name == "rate_changes":
            key, what = 'pidx, lot, "from"', "from"
        elif lst.name == "attendances":
            key, what = "pidx, worker", "worker"
        else:  # pragma: no cover
            continue
        # Keys seen twice are found by hashing (no sort of the whole list); only their rows are
        # numbered to name every one but the first.
        sql.append(
            f"SELECT {path(lst, what)}, format('duplicate %s in {lst.name}', {q(what)}) FROM "
            f"(SELECT *, row_number() OVER (PARTITION BY {key} ORDER BY idx) AS rn FROM {stg(lst)} "
            f"WHERE ({key}) IN (SELECT {key} FROM {stg(lst)} WHERE {q(what)} IS NOT NULL "
            f"GROUP BY {key} HAVING count(*) > 1)) s WHERE rn > 1"
        )
    return sql


def _external_ids() -> list[str]:
    a = BY_NAME["attendances"]
    return [
        f"SELECT {path(a, 'external_id')}, format('duplicate external_id %s', external_id) FROM "
        f"(SELECT *, row_number() OVER (PARTITION BY prov, external_id ORDER BY pidx, idx) AS rn "
        f"FROM stg_attendances WHERE external_id IS NOT NULL) s WHERE rn > 1"
    ]


def _references() -> list[str]:
    sql = []
    for lst in LISTS:
        for f in lst.fields:
            if f.kind != "ref" or not f.target:
                continue
            target = BY_NAME[f.target]
            sql.append(
                f"SELECT {path(lst, f.name)}, format('unknown {f.name} %s', s.{q(f.name)}) FROM {stg(lst)} s "
                f"WHERE NOT s.bad AND s.{q(f.name)} IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {stg(target)} t WHERE t.ref = s.{q(f.name)})"
            )
            if target.owner and lst.owner != ("via", f.name, f.target) and (lst.owner or lst.parent):
                # The referenced record must belong to the same provider as this one.
                sql.append(
                    f"SELECT {path(lst, f.name)}, format('%s belongs to provider %s, not %s', "
                    f"s.{q(f.name)}, t.prov, s.prov) FROM {stg(lst)} s JOIN {stg(target)} t "
                    f"ON t.ref = s.{q(f.name)} WHERE NOT s.bad AND NOT t.bad AND s.prov IS NOT NULL AND t.prov IS DISTINCT FROM s.prov"
                )
    return sql


def _ordered(list_name: str, later: str, earlier: str, op: str = ">=", message: str | None = None) -> str:
    lst = BY_NAME[list_name]
    message = message or f"before {earlier}"
    return (
        f"SELECT {path(lst, later)}, '{message}' FROM {stg(lst)} s "
        f"WHERE NOT s.bad AND NOT (s.{q(later)} {op} s.{q(earlier)})"
    )


def _dates() -> list[str]:
    return [
        _ordered("contracts", "end", "start"),
        _ordered("packages", "end", "start"),
        _ordered("workers", "left", "started"),
        _ordered("absences", "end", "start"),
        _ordered("spend", "period_end", "period_start"),
        _ordered("shifts", "end", "start", ">", "not after start"),
        _ordered("visits", "planned_end", "planned_start", ">", "not after planned_start"),
        _ordered("hospital_stays", "discharged", "admitted"),
        _ordered("referrals", "decided", "received"),
        _ordered("attendances", "check_out", "check_in", ">", "not after check_in"),
        f"SELECT {path(BY_NAME['attendances'], 'check_in')}, 'missing while check_out is given' "
        f"FROM stg_attendances s WHERE NOT s.bad AND s.check_out IS NOT NULL AND s.check_in IS NULL",
        f"SELECT {path(BY_NAME['package_changes'], 'decided')}, format('required when the decision is %s', decision) "
        f"FROM stg_package_changes s WHERE NOT s.bad AND decision <> 'pending' AND decided IS NULL",
    ]


def _ranges() -> list[str]:
    sql = []
    for lst in LISTS:
        for f in lst.fields:
            if f.kind == "decimal" and f.name.endswith("_share"):
                sql.append(
                    f"SELECT {path(lst, f.name)}, 'must be between 0 and 1' FROM {stg(lst)} s WHERE s.{q(f.name)} > 1"
                )
    sql += [
        f"SELECT {path(BY_NAME['staff_surveys'], 'mean_score')}, 'must be between 1 and 5' "
        f"FROM stg_staff_surveys s WHERE s.mean_score NOT BETWEEN 1 AND 5",
        f"SELECT {path(BY_NAME['providers'], 'on_cost_factor')}, 'must be at least 1' "
        f"FROM stg_providers s WHERE s.on_cost_factor < 1",
        f"SELECT {path(BY_NAME['people_surveys'], 'felt_understood')}, 'more than responses' "
        f"FROM stg_people_surveys s WHERE s.felt_understood > s.responses",
        f"SELECT {path(BY_NAME['people_surveys'], 'unpaid_carers_well_supported')}, "
        f"'more than unpaid_carers_responses' FROM stg_people_surveys s "
        f"WHERE s.unpaid_carers_well_supported > coalesce(s.unpaid_carers_responses, 0)",
    ]
    return sql


def _lots_and_packages() -> list[str]:
    lot_on = (
        "SELECT {p}, format('contract %s has no lot %s', {c}, s.lot) FROM {t} s {join} "
        "WHERE NOT s.bad AND {c} IS NOT NULL AND EXISTS (SELECT 1 FROM stg_contracts c WHERE c.ref = {c}) "
        "AND NOT EXISTS (SELECT 1 FROM stg_lots l WHERE l.pref = {c} AND l.lot = s.lot)"
    )
    person_contract = "JOIN stg_people pp ON pp.ref = s.person"
    return [
        lot_on.format(p=path(BY_NAME["people"], "lot"), c="s.contract", t="stg_people", join=""),
        lot_on.format(p=path(BY_NAME["credits"], "lot"), c="s.contract", t="stg_credits", join=""),
        lot_on.format(p=path(BY_NAME["rate_changes"], "lot"), c="s.pref", t="stg_rate_changes", join=""),
        f"SELECT {path(BY_NAME['packages'], 'lot')}, format('person %s is on lot %s', s.person, pp.lot) "
        f"FROM stg_packages s {person_contract} WHERE NOT s.bad AND NOT pp.bad AND pp.lot <> s.lot",
        lot_on.format(p=path(BY_NAME["referrals"], "lot"), c="pp.contract", t="stg_referrals", join=person_contract),
        f"SELECT {path(BY_NAME['visits'], 'package')}, format('package %s is not person %s''s', s.package, s.person) "
        f"FROM stg_visits s JOIN stg_packages pk ON pk.ref = s.package "
        f"WHERE NOT s.bad AND NOT pk.bad AND pk.person <> s.person "
        f"AND EXISTS (SELECT 1 FROM stg_people p WHERE p.ref = s.person)",
        f"SELECT {path(BY_NAME['rate_changes'], 'from')}, 'before the contract starts' "
        f'FROM stg_rate_changes s JOIN stg_contracts c ON c.idx = s.pidx WHERE NOT c.bad AND s."from" <= c.start',
    ]


def _attendance_bounds() -> list[str]:
    a = BY_NAME["attendances"]
    return [
        # Both ends in one join of the attendances to their visits (a city's biggest join), the
        # early ones listed first, each kind in file order.
        f"SELECT {path(a, 'check_in')}, CASE WHEN early THEN "
        f"'more than {CHECK_IN_EARLIEST_BEFORE_START} before the planned start' "
        f"ELSE 'more than {CHECK_IN_LATEST_AFTER_END} after the planned end' END FROM ("
        f"SELECT s.pidx, s.idx, s.check_in < v.planned_start - interval '{CHECK_IN_EARLIEST_BEFORE_START}' AS early "
        f"FROM stg_attendances s JOIN stg_visits v ON v.idx = s.pidx WHERE NOT s.bad AND "
        f"(s.check_in < v.planned_start - interval '{CHECK_IN_EARLIEST_BEFORE_START}' "
        f"OR s.check_in > v.planned_end + interval '{CHECK_IN_LATEST_AFTER_END}')) s "
        f"ORDER BY NOT early, pidx, idx",
        f"SELECT {path(a, 'check_out')}, 'longer than {LONGEST_ATTENDANCE} after check_in' "
        f"FROM stg_attendances s WHERE NOT s.bad AND s.check_out > s.check_in + interval '{LONGEST_ATTENDANCE}'",
    ]


def _overlaps() -> list[str]:
    """A worker is never in two places at once: sort each worker's intervals and compare neighbours
    (one window pass, no self-join)."""
    return [
        f"SELECT {path(BY_NAME['shifts'], 'start')}, format('overlaps shift %s of worker %s', prev_ref, worker) "
        f'FROM (SELECT *, lag("end") OVER w AS prev_end, lag(ref) OVER w AS prev_ref FROM stg_shifts '
        f'WHERE NOT bad WINDOW w AS (PARTITION BY worker ORDER BY start, "end", idx)) s WHERE start < prev_end',
        f"SELECT {path(BY_NAME['attendances'], 'check_in')}, "
        f"format('worker %s is still at visit %s', worker, prev_ref) "
        f"FROM (SELECT a.*, lag(a.check_out) OVER w AS prev_out, lag(a.pref) OVER w AS prev_ref "
        f"FROM stg_attendances a WHERE NOT a.bad AND a.check_in IS NOT NULL AND a.check_out IS NOT NULL "
        f"WINDOW w AS (PARTITION BY a.worker ORDER BY a.check_in, a.check_out, a.pidx, a.idx)) s "
        f"WHERE check_in < prev_out",
    ]


def _actor(provider_ref: str) -> list[str]:
    """A provider imports only its own data: every row owned by another provider is an error."""
    sql = [
        f"SELECT {path(BY_NAME['providers'])}, format('you may import only provider %s', %(actor)s) "
        f"FROM stg_providers s WHERE s.ref IS DISTINCT FROM %(actor)s"
    ]
    for lst in LISTS:
        if lst.owner:
            field = lst.owner[1]
            sql.append(
                f"SELECT {path(lst, field)}, format('belongs to provider %s, not yours', s.prov) "
                f"FROM {stg(lst)} s WHERE s.prov IS NOT NULL AND s.prov <> %(actor)s"
            )
    return sql


def run_checks(cursor, *, actor_provider: str | None, limit: int) -> list[dict]:
    queries = _duplicates() + _external_ids() + _references() + _dates() + _ranges() + _lots_and_packages()
    queries += _attendance_bounds() + _overlaps()
    params = {}
    if actor_provider is not None:
        queries += _actor(actor_provider)
        params["actor"] = actor_provider
    errors: list[dict] = []
    for sql in queries:
        if params:  # with parameters, format()'s own %s must be escaped from the driver
            sql = sql.replace("%s", "%%s")
        cursor.execute(f"{sql} LIMIT {limit}", params or None)
        errors += [{"path": p, "message": m} for p, m in cursor.fetchall()]
        if len(errors) >= limit:
            break
    return errors[:limit]
