"""Staging -> real tables: one INSERT ... SELECT ... ON CONFLICT DO UPDATE ... WHERE (changed) per list.
A row whose values are all equal is not touched, so re-importing a bundle writes nothing and
leaves no audit events."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rota.careplans import WINDOW_MINUTES

from .lists import BY_NAME, LISTS, BundleList
from .staging import ID_LISTS, q, stg

ORG = "commissioning_organisation"
ORG_OPTIONAL = ("address", "postcode", "bank_account_name", "bank_sort_code", "bank_account_number")
PROVIDER_JOIN = f"JOIN {ORG} o ON o.kind = 'provider' AND o.ref = s.prov"

# The ref target's table, for foreign keys resolved by (provider, ref).
_TABLE = {lst.name: lst.table for lst in LISTS}


@dataclass(frozen=True)
class Step:
    """How one list reaches its table. `upsert` returns (created, updated); when `probe` finds no
    staged row matching a stored one, `insert` (a plain INSERT, no conflict handling, rows in key
    order) does the same work faster. `locks` take the FOR KEY SHARE locks the foreign-key checks
    would take on the rows the insert points at (see writer._fast_insert)."""

    table: str
    upsert: str
    probe: str
    insert: str
    locks: tuple[tuple[str, str], ...]  # (parent table, SQL)


def _statement(
    table: str,
    cols: list[str],
    exprs: list[str],
    joins: list[str],
    source: str,
    conflict: str,
    insert_only: dict[str, str] | None = None,
    keep_when_null: frozenset[str] = frozenset(),
    staged_id: bool = False,
    insert_joins: list[str] | None = None,
) -> Step:
    insert_only = insert_only or {}
    all_cols = cols + list(insert_only)
    all_exprs = exprs + list(insert_only.values())
    keys = [c.strip() for c in conflict.split(",")]
    updatable = [c for c in cols if c not in keys]

    def incoming(c: str) -> str:
        return f"coalesce(EXCLUDED.{q(c)}, t.{q(c)})" if c in keep_when_null else f"EXCLUDED.{q(c)}"

    sets = ", ".join(f"{q(c)} = {incoming(c)}" for c in updatable)
    old = ", ".join(f"t.{q(c)}" for c in updatable)
    new = ", ".join(incoming(c) for c in updatable)
    select = f"SELECT {', '.join(all_exprs)} FROM {source} s {' '.join(joins)} WHERE NOT s.bad"
    upsert = (
        f"WITH up AS (INSERT INTO {table} AS t ({', '.join(q(c) for c in all_cols)}) {select} "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {sets} WHERE ROW({old}) IS DISTINCT FROM ROW({new}) "
        f"RETURNING (xmax = 0) AS created) "
        f"SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM up"
    )
    key_exprs = [all_exprs[all_cols.index(k)] for k in keys]
    match = " AND ".join(f"t.{q(k)} = n.k{i}" for i, k in enumerate(keys))
    probe = (
        f"SELECT EXISTS (SELECT 1 FROM (SELECT {', '.join(f'{e} AS k{i}' for i, e in enumerate(key_exprs))} "
        f"FROM {source} s {' '.join(_key_joins(joins, key_exprs))} WHERE NOT s.bad) n JOIN {table} t ON {match})"
    )
    order = ", ".join(e for e in key_exprs if not e.startswith("'"))  # not the constant 'provider'
    if staged_id:  # new rows take the ids they were staged with (staging.ID_LISTS), in that order
        select = (
            f"SELECT s.id, {', '.join(all_exprs)} FROM {source} s {' '.join(insert_joins or joins)} WHERE NOT s.bad"
        )
        insert = f"WITH ins AS (INSERT INTO {table} (id, {', '.join(q(c) for c in all_cols)}) {select} ORDER BY s.id "
    else:
        insert = f"WITH ins AS (INSERT INTO {table} ({', '.join(q(c) for c in all_cols)}) {select} ORDER BY {order} "
    insert += "RETURNING 1) SELECT count(*), 0 FROM ins"
    locks = []
    for n, join in enumerate(joins):
        # The parent rows this join resolves, each locked once.
        parent, alias = _joined(join)
        inner = [*joins[:n], join.removeprefix("LEFT ")]
        locks.append(
            (
                parent,
                f"SELECT count(*) FROM (SELECT 1 FROM {parent} x WHERE x.id IN (SELECT {alias}.id FROM {source} s "
                f"{' '.join(inner)} WHERE NOT s.bad) FOR KEY SHARE OF x) l",
            )
        )
    return Step(table, upsert, probe, insert, tuple(locks))


def _joined(join: str) -> tuple[str, str]:
    """The table and alias of "[LEFT ]JOIN table alias ON ..."."""
    words = join.split()
    return (words[2], words[3]) if words[0] == "LEFT" else (words[1], words[2])


def _key_joins(joins: list[str], key_exprs: list[str]) -> list[str]:
    """Only the joins the key needs (and those they lean on). The probe asks whether any staged key is
    stored; joining every parent as well (a visit's person, package, slot) lets the planner join two of
    them on provider alone, and with statistics that predate a provider (a new one's second import, or
    any test) it expects one row there and nests a scan of the staging table under it: 24 s for 3,243
    staged visits against 6,652 stored, in place of milliseconds."""
    needed = set(re.findall(r"\b(\w+)\.", " ".join(key_exprs))) - {"s"}
    for join in reversed(joins):
        if _joined(join)[1] in needed:
            needed |= set(re.findall(r"\b(\w+)\.", join)) - {"s"}
    return [j for j in joins if _joined(j)[1] in needed]


def _value(f) -> str:
    v = f"s.{q(f.name)}"
    if f.default is None:
        return v
    if isinstance(f.default, list):
        return f"coalesce({v}, '{{}}')"
    if isinstance(f.default, bool):
        return f"coalesce({v}, {str(f.default).lower()})"
    if isinstance(f.default, int):
        return f"coalesce({v}, {f.default})"
    return f"coalesce({v}, '{f.default}')"


def provider_owned(lst: BundleList, staged_id: bool = False) -> Step:
    """Upsert of a list of provider-owned records matched by (provider, ref)."""
    cols, exprs, joins = ["provider_id"], ["o.id"], [PROVIDER_JOIN]
    for n, f in enumerate(lst.fields):
        if f.name == "provider" or f.kind == "reflist":  # a reflist is stored by its own step
            continue
        if lst.name == "care_plan_slots" and f.name in WINDOW_DEFAULTS:
            cols.append(f.col)
            exprs.append(WINDOW_DEFAULTS[f.name])
            continue
        if f.kind == "home":
            cols += ["home_lat", "home_lon"]
            exprs += ["s.home_lat", "s.home_lon"]
        elif f.kind == "ref" and f.target:
            alias = f"r{n}"
            kind = "LEFT JOIN" if not f.required else "JOIN"
            if f.target == "neighbourhoods":
                on = f"{alias}.ref = s.{q(f.name)}"
            else:
                on = f"{alias}.provider_id = o.id AND {alias}.ref = s.{q(f.name)}"
            joins.append(f"{kind} {_TABLE[f.target]} {alias} ON {on}")
            cols.append(f.col)
            exprs.append(f"{alias}.id")
        else:
            cols.append(f.col)
            exprs.append(_value(f))
    return _statement(lst.table, cols, exprs, joins, stg(lst), "provider_id, ref", staged_id=staged_id)


# A care plan slot's window when the bundle leaves it out: WINDOW_MINUTES either side of the start,
# kept inside the day (the editor's rule, rota.careplans.default_window).
WINDOW_DEFAULTS = {
    "earliest": (
        f"coalesce(s.earliest, CASE WHEN s.start < time '00:{WINDOW_MINUTES:02d}' THEN time '00:00' "
        f"ELSE s.start - interval '{WINDOW_MINUTES} minutes' END)"
    ),
    "latest": (
        f"coalesce(s.latest, CASE WHEN s.start > time '23:59' - interval '{WINDOW_MINUTES} minutes' "
        f"THEN time '23:59' ELSE s.start + interval '{WINDOW_MINUTES} minutes' END)"
    ),
}


def planned_workers() -> Step:
    """A visit's planned care workers (rota_assignment) from its `planned_workers` list: those named
    and not yet planned are added, those planned and not named are taken off; a visit whose list is
    left out keeps its own: the list is a set to make equal."""
    pairs = (
        "SELECT o.id AS provider_id, v.id AS visit_id, w.id AS worker_id FROM stg_visits s "
        f"{PROVIDER_JOIN} JOIN rota_visit v ON v.provider_id = o.id AND v.ref = s.ref "
        "CROSS JOIN LATERAL unnest(s.planned_workers) AS p(ref) "
        "JOIN workforce_worker w ON w.provider_id = o.id AND w.ref = p.ref "
        "WHERE NOT s.bad AND s.planned_workers IS NOT NULL"
    )
    named = (
        f"SELECT v.id FROM stg_visits s {PROVIDER_JOIN} JOIN rota_visit v ON v.provider_id = o.id AND v.ref = s.ref "
        "WHERE NOT s.bad AND s.planned_workers IS NOT NULL"
    )
    upsert = (
        f"WITH want AS MATERIALIZED ({pairs}), "
        f"gone AS (DELETE FROM rota_assignment a USING ({named}) n WHERE a.visit_id = n.id "
        "AND NOT EXISTS (SELECT 1 FROM want WHERE want.visit_id = a.visit_id AND want.worker_id = a.worker_id) "
        "RETURNING 1), "
        "added AS (INSERT INTO rota_assignment (provider_id, visit_id, worker_id, created, created_by_id) "
        "SELECT provider_id, visit_id, worker_id, now(), NULL FROM want ON CONFLICT (visit_id, worker_id) DO NOTHING "
        "RETURNING 1) "
        # Counted as care workers named: added ("created") or already planned ("unchanged"); those
        # taken off are not rows of the bundle (a data-modifying CTE runs whether read or not).
        "SELECT (SELECT count(*) FROM added), 0"
    )
    # None of the named visits planned yet (a first load, or a new month's visits): a plain insert,
    # which a first load makes without the per-row foreign-key checks (writer._fast_insert; for a city
    # month's 271,335 planned care workers those checks cost about 3 s at commit).
    probe = f"SELECT EXISTS (SELECT 1 FROM rota_assignment a JOIN ({named}) n ON a.visit_id = n.id)"
    insert = (
        "WITH ins AS (INSERT INTO rota_assignment (provider_id, visit_id, worker_id, created, created_by_id) "
        f"SELECT p.provider_id, p.visit_id, p.worker_id, now(), NULL FROM ({pairs}) p "
        "ORDER BY p.visit_id, p.worker_id RETURNING 1) SELECT count(*), 0 FROM ins"
    )
    locks = tuple(
        (parent, f"SELECT count(*) FROM (SELECT 1 FROM {parent} x WHERE x.id IN (SELECT p.{col} FROM ({pairs}) p) "
         "FOR KEY SHARE OF x) l")
        for parent, col in ((ORG, "provider_id"), ("rota_visit", "visit_id"), ("workforce_worker", "worker_id"))
    )  # fmt: skip
    return Step("rota_assignment", upsert, probe, insert, locks)


def organisations(kind: str) -> Step:
    lst = BY_NAME["providers" if kind == "provider" else "commissioners"]
    cols, exprs = ["kind", "ref", "name"], [f"'{kind}'", "s.ref", "s.name"]
    if kind == "provider":
        cols.append("on_cost_factor")
        exprs.append("s.on_cost_factor")
    # Addresses and bank details are optional: a bundle without them keeps what is stored.
    kept = [f.name for f in lst.fields if f.name in ORG_OPTIONAL]
    cols += kept
    exprs += [f"s.{q(name)}" for name in kept]
    return _statement(
        ORG,
        cols,
        exprs,
        [],
        stg(lst),
        "kind, ref",
        {"shares_finance_with_commissioners": "false"},
        keep_when_null=frozenset(kept),
    )


def neighbourhoods() -> Step:
    return _statement(
        "commissioning_neighbourhood",
        ["ref", "name", "wards", "lsoas"],
        ["s.ref", "s.name", "coalesce(s.wards, '{}')", "coalesce(s.lsoas, '{}')"],
        [],
        "stg_neighbourhoods",
        "ref",
    )


def lots() -> Step:
    lst = BY_NAME["lots"]
    cols = ["provider_id", "contract_id", "number", "name", "commissioner_id"]
    exprs = ["o.id", "c.id", "s.lot", "s.name", "cm.id"]
    for f in lst.fields:
        if f.name in ("lot", "name", "commissioner", "hourly_rate"):
            continue
        cols.append(f.col)
        exprs.append(_value(f))
    joins = [
        PROVIDER_JOIN,
        "JOIN commissioning_contract c ON c.provider_id = o.id AND c.ref = s.pref",
        f"JOIN {ORG} cm ON cm.kind = 'commissioner' AND cm.ref = s.commissioner",
    ]
    return _statement("commissioning_lot", cols, exprs, joins, "stg_lots", "contract_id, number")


def lot_rates() -> Step:
    """A lot's `hourly_rate` applies from the contract's start; each rate change from its date."""
    source = (
        "(SELECT l.bad, l.prov, l.pref, l.lot, c.start AS effective_from, l.hourly_rate "
        " FROM stg_lots l JOIN stg_contracts c ON c.idx = l.pidx "
        ' UNION ALL SELECT r.bad, r.prov, r.pref, r.lot, r."from", r.hourly_rate FROM stg_rate_changes r)'
    )
    joins = [
        PROVIDER_JOIN,
        "JOIN commissioning_contract c ON c.provider_id = o.id AND c.ref = s.pref",
        "JOIN commissioning_lot l ON l.contract_id = c.id AND l.number = s.lot",
    ]
    return _statement(
        "commissioning_lotrate",
        ["provider_id", "lot_id", "effective_from", "hourly_rate"],
        ["o.id", "l.id", "s.effective_from", "s.hourly_rate"],
        joins,
        source,
        "lot_id, effective_from",
    )


def attendances(staged_id: bool = False) -> Step:
    worker = "JOIN workforce_worker w ON w.provider_id = o.id AND w.ref = s.worker"
    joins = [PROVIDER_JOIN, "JOIN rota_visit v ON v.provider_id = o.id AND v.ref = s.pref", worker]
    # New visits have the ids they were staged with: a new attendance finds its visit's by position.
    staged_joins = [PROVIDER_JOIN, "JOIN stg_visits v ON v.idx = s.pidx", worker]
    return _statement(
        "rota_attendance",
        ["provider_id", "visit_id", "worker_id", "check_in", "check_out", "method", "exception_code", "external_id"],
        ["o.id", "v.id", "w.id", "s.check_in", "s.check_out", "coalesce(s.method, 'app')", "s.exception_code",
         "s.external_id"],
        joins,
        "stg_attendances",
        "visit_id, worker_id",
        keep_when_null=frozenset({"external_id"}),
        staged_id=staged_id,
        insert_joins=staged_joins,
    )  # fmt: skip


# Reference lists a provider may point at but not write: commissioners set these up.
COMMISSIONER_OWNED = ("commissioners", "neighbourhoods", "contracts", "lots", "lot_rates")


# Tables that later steps join to resolve refs (list name -> table): analysed once written.
JOINED_LATER = {
    "commissioners": ORG,
    "providers": ORG,
    "neighbourhoods": "commissioning_neighbourhood",
    "contracts": "commissioning_contract",
    "lots": "commissioning_lot",
    "teams": "workforce_team",
    "workers": "workforce_worker",
    "people": "outcomes_person",
    "packages": "outcomes_package",
    "visits": "rota_visit",
}


def plan(staged_ids: bool = False) -> list[tuple[str, Step]]:
    """(count name, SQL) in dependency order. With `staged_ids` (a parallel import's staging: see
    staging.ID_LISTS), the plain inserts of shifts, visits and attendances keep their staged ids."""
    steps = [
        ("commissioners", organisations("commissioner")),
        ("providers", organisations("provider")),
        ("neighbourhoods", neighbourhoods()),
        ("contracts", provider_owned(BY_NAME["contracts"])),
        ("lots", lots()),
        ("lot_rates", lot_rates()),
    ]
    for lst in LISTS:
        if lst.owner and lst.name != "contracts":
            steps.append((lst.name, provider_owned(lst, staged_ids and lst.name in ID_LISTS)))
        if lst.name == "visits":
            steps.append(("attendances", attendances(staged_ids)))
            steps.append(("planned_workers", planned_workers()))
    return steps


def plan_names() -> list[str]:
    return [name for name, _ in plan()]


def staged_count_sql(name: str) -> str:
    if name == "planned_workers":
        return "SELECT coalesce(sum(cardinality(planned_workers)), 0) FROM stg_visits WHERE NOT bad"
    if name == "lot_rates":
        return "SELECT (SELECT count(*) FROM stg_lots WHERE NOT bad) + (SELECT count(*) FROM stg_rate_changes WHERE NOT bad)"
    return f"SELECT count(*) FROM {stg(BY_NAME[name])} WHERE NOT bad"
