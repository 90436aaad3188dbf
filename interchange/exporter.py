"""Export a provider's data as a bundle, streamed: Postgres builds each record's JSON and a
server-side cursor hands it over in batches, so memory stays flat for a city.

Date filter (`date_from`/`date_to`, inclusive, local dates): applies to dated records only, by the
field `dated_by` in lists.py (visits by planned_start, shifts by start, referrals by received,
package changes by effective, reviews by due, ...). Undated records (contracts, teams, workers,
people, packages) are always exported whole, so the bundle is self-contained and imports.

A commissioner's export (`actor` a commissioner's user or token) holds only what tenancy lets it
read (commissioning/tenancy.py; docs/decisions.md): the contracts it commissions a lot of with only
its own lots' terms, and the people of its lots with their packages, changes, reviews, referrals,
stays, assessments, visits and credits. Each list's rows are cut by the ids `scope_for` gives, so the
export cannot drift from the pages. No workforce list (teams, workers, shifts, absences, training,
staff surveys), no provider-wide list (people surveys, events, spend), attendances without the
worker, visits without their planned care workers, care plan slots without their team, and the
provider without its on-cost factor. Such a bundle is for reading: it does not
import (its attendances name no worker)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

from django.apps import apps
from django.db import connection

from commissioning.tenancy import is_commissioner, scope_for

from .lists import BY_NAME, LISTS, BundleList, Field
from .schema import FORMAT

TIMEZONE = "Europe/London"

# Rows fetched per round trip from the server-side cursor: large enough to amortise the round trip,
# small enough that a city's visits never sit in memory at once.
FETCH_ROWS = 5_000

_TABLE = {lst.name: lst.table for lst in LISTS}


def _dt(expr: str) -> str:
    """A timestamptz as a local wall time; with its offset only in the autumn's repeated hour,
    where a wall time alone would be ambiguous (so export -> import is exact)."""
    local = f"({expr} AT TIME ZONE %(tz)s)"
    offset = f"({local} - ({expr} AT TIME ZONE 'UTC'))"
    return (
        f"CASE WHEN {expr} IS NULL THEN NULL ELSE to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI' || "
        f"CASE WHEN extract(second FROM {local}) <> 0 THEN ':SS' ELSE '' END) || "
        f"CASE WHEN {local} AT TIME ZONE %(tz)s <> {expr} THEN "
        f"CASE WHEN {offset} < interval '0' THEN '-' ELSE '+' END || to_char(abs(extract(epoch FROM {offset}) / 3600)::int, 'FM00') || ':00' "
        f"ELSE '' END END"
    )


def _value(f: Field, alias: str) -> str:
    col = f'{alias}."{f.col}"'
    if f.kind == "date":
        return f"to_char({col}, 'YYYY-MM-DD')"
    if f.kind == "datetime":
        return _dt(col)
    if f.kind == "decimal":
        return f"trim_scale({col})::text"
    if f.kind == "time":
        return f"to_char({col}, 'HH24:MI')"
    if f.kind == "home":
        return (
            f"CASE WHEN {alias}.home_lat IS NULL THEN NULL "
            f"ELSE json_build_object('lat', {alias}.home_lat, 'lon', {alias}.home_lon) END"
        )
    return col


# Fields a commissioner's export leaves out: which care worker attended or is planned, and which team
# plans a care plan's visits, are the provider's business (a commissioner sees no workforce list).
_WORKER_FIELDS = {"attendances": {"worker", "external_id"}, "visits": {"planned_workers"}, "care_plan_slots": {"team"}}
# A visit's planned care workers (rota assignments), by ref.
_PLANNED_WORKERS = (
    "'planned_workers', (SELECT coalesce(json_agg(w.ref ORDER BY w.ref), '[]') FROM rota_assignment pa "
    "JOIN workforce_worker w ON w.id = pa.worker_id WHERE pa.visit_id = t.id)"
)


def _select(lst: BundleList, alias: str = "t", omit: frozenset[str] = frozenset()) -> tuple[list[str], list[str]]:
    """(json_build_object arguments, joins) for one list's records."""
    args, joins = [], []
    for n, f in enumerate(lst.fields):
        if f.name in omit or f.kind == "reflist":  # a reflist comes from its own table (below)
            continue
        if f.name == "provider":
            args += ["'provider'", "o.ref"]
        elif f.kind == "ref" and f.target:
            j = f"j{n}"
            target_table = (
                "commissioning_organisation" if f.target in ("commissioners", "providers") else _TABLE[f.target]
            )
            joins.append(f'LEFT JOIN {target_table} {j} ON {j}.id = {alias}."{f.col}"')
            args += [f"'{f.name}'", f"{j}.ref"]
        else:
            args += [f"'{f.name}'", _value(f, alias)]
    return args, joins


def _lots_json(lots_where: str) -> str:
    lst = BY_NAME["lots"]
    args = []
    for f in lst.fields:
        if f.name == "lot":
            args += ["'lot'", "l.number"]
        elif f.name == "commissioner":
            args += ["'commissioner'", "(SELECT ref FROM commissioning_organisation WHERE id = l.commissioner_id)"]
        elif f.name == "hourly_rate":
            args += [
                "'hourly_rate'",
                "(SELECT trim_scale(hourly_rate)::text FROM commissioning_lotrate r WHERE r.lot_id = l.id "
                "ORDER BY effective_from LIMIT 1)",
            ]
        else:
            args += [f"'{f.name}'", _value(f, "l")]
    lots = (
        f"(SELECT coalesce(json_agg(json_build_object({', '.join(args)}) ORDER BY l.number), '[]') "
        f"FROM commissioning_lot l WHERE l.contract_id = t.id{lots_where})"
    )
    changes = (
        "(SELECT coalesce(json_agg(json_build_object('lot', l.number, 'from', to_char(r.effective_from, 'YYYY-MM-DD'), "
        "'hourly_rate', trim_scale(r.hourly_rate)::text) ORDER BY l.number, r.effective_from), '[]') "
        f"FROM commissioning_lotrate r JOIN commissioning_lot l ON l.id = r.lot_id WHERE l.contract_id = t.id{lots_where} "
        "AND r.effective_from > (SELECT min(effective_from) FROM commissioning_lotrate r2 WHERE r2.lot_id = l.id))"
    )
    return f"'lots', {lots}, 'rate_changes', {changes}"


def _attendances_json(omit: frozenset[str]) -> str:
    args, joins = _select(BY_NAME["attendances"], "a", omit)
    order = "a.check_in, a.id" if "worker" in omit else "j0.ref"  # j0: the worker, the first field
    return (
        f"'attendances', (SELECT coalesce(json_agg(json_build_object({', '.join(args)}) ORDER BY {order}), '[]') "
        f"FROM rota_attendance a {' '.join(joins)} WHERE a.visit_id = t.id)"
    )


def _scope_sql(actor, table: str) -> str | None:
    """The ids of `table` that tenancy lets `actor` read, as SQL with its values bound; None when it may
    read none of them (a list the export then leaves empty)."""
    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    qs = scope_for(actor, model._default_manager.all())
    if qs.query.is_empty():
        return None
    sql, params = qs.values("pk").query.sql_with_params()
    # Bound here so the statement keeps its own named parameters; '%' doubled for them.
    return connection.ops.compose_sql(sql, params).replace("%", "%%")


def _list_sql(lst: BundleList, actor, dated: bool) -> str | None:
    commissioner = is_commissioner(actor)
    omit = frozenset(_WORKER_FIELDS.get(lst.name, set()) if commissioner else ())
    args, joins = _select(lst, omit=omit)
    if lst.name == "contracts":
        args.append(_lots_json(" AND l.commissioner_id = %(commissioner)s" if commissioner else ""))
    if lst.name == "visits":
        args.append(_attendances_json(frozenset(_WORKER_FIELDS["attendances"]) if commissioner else frozenset()))
        if not commissioner:
            args.append(_PLANNED_WORKERS)
    where = ["t.provider_id = %(provider)s"]
    if lst.name == "referrals":
        # A bundle's referral names its person; one brokered and not (yet) accepted has none and is
        # left out (docs/commissioning.md).
        where.append("t.person_id IS NOT NULL")
    if dated and lst.dated_by:
        f = lst.fmap[lst.dated_by]
        col = f't."{f.col}"'
        day = f"({col} AT TIME ZONE %(tz)s)::date" if f.kind == "datetime" else col
        where.append(f"{day} BETWEEN %(from)s AND %(to)s")
    if commissioner:
        ids = _scope_sql(actor, lst.table)
        if ids is None:
            return None
        where.append(f"t.id IN ({ids})")
    return (
        f"SELECT json_build_object({', '.join(args)})::text FROM {lst.table} t "
        f"JOIN commissioning_organisation o ON o.id = t.provider_id {' '.join(joins)} "
        f"WHERE {' AND '.join(where)} ORDER BY t.ref"
    )


ADDRESS = "'address', address, 'postcode', postcode"
BANK = "'bank_account_name', bank_account_name, 'bank_sort_code', bank_sort_code, 'bank_account_number', bank_account_number"


def _header_lists(provider_id: int, commissioner: bool) -> dict[str, str]:
    lots = "SELECT l.commissioner_id FROM commissioning_lot l WHERE l.provider_id = %(provider)s"
    on_cost = "trim_scale(on_cost_factor)::text"
    places = (
        "SELECT neighbourhood_id FROM commissioning_contract WHERE provider_id = %(provider)s "
        "UNION SELECT neighbourhood_id FROM workforce_team WHERE provider_id = %(provider)s"
    )
    if commissioner:
        lots += " AND l.commissioner_id = %(commissioner)s"
        on_cost = "NULL"  # the provider's costs are its own (shared, if at all, on the finance page)
        places = (
            "SELECT c.neighbourhood_id FROM commissioning_contract c JOIN commissioning_lot l ON l.contract_id = c.id "
            "WHERE c.provider_id = %(provider)s AND l.commissioner_id = %(commissioner)s"
        )
    return {
        "commissioners": f"SELECT json_build_object('ref', ref, 'name', name, {ADDRESS})::text "
        f"FROM commissioning_organisation WHERE id IN ({lots}) ORDER BY ref",
        "providers": f"SELECT json_build_object('ref', ref, 'name', name, 'on_cost_factor', {on_cost}, {ADDRESS}, {BANK})::text "
        "FROM commissioning_organisation WHERE id = %(provider)s",
        "neighbourhoods": "SELECT json_build_object('ref', ref, 'name', name, 'wards', wards, 'lsoas', lsoas)::text "
        f"FROM commissioning_neighbourhood WHERE id IN ({places}) ORDER BY ref",
    }


def export_bundle(
    *,
    provider_id: int,
    date_from: date | None = None,
    date_to: date | None = None,
    actor=None,
) -> Iterator[str]:
    """Yield the bundle's text in pieces, as `actor` may read it (None: everything, for the command
    line). Callers check who may export which provider (see api.py/command)."""
    commissioner = is_commissioner(actor)
    params = {
        "provider": provider_id,
        "tz": TIMEZONE,
        "from": date_from or date.min,
        "to": date_to or date.max,
        "commissioner": actor.organisation.pk if commissioner else None,
    }
    dated = date_from is not None or date_to is not None
    yield f'{{"format": {json.dumps(FORMAT)}, "timezone": {json.dumps(TIMEZONE)}'
    headers = _header_lists(provider_id, commissioner)
    for lst in LISTS:
        if lst.parent:
            continue
        sql = headers.get(lst.name) or _list_sql(lst, actor, dated)
        yield f',\n"{lst.name}": ['
        if sql is None:
            yield "]"
            continue
        first = True
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(FETCH_ROWS):
                for (text,) in rows:
                    yield ("\n" if first else ",\n") + text
                    first = False
        yield "]"
    yield "\n}\n"
