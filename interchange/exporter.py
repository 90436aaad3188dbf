"""Export a provider's data as a bundle, streamed: Postgres builds each record's JSON and a
server-side cursor hands it over in batches, so memory stays flat for a city.

Date filter (`date_from`/`date_to`, inclusive, local dates): applies to dated records only, by the
field `dated_by` in lists.py (visits by planned_start, shifts by start, referrals by received,
package changes by effective, reviews by due, ...). Undated records (contracts, teams, workers,
people, packages) are always exported whole, so the bundle is self-contained and imports."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

from django.db import connection

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
    if f.kind == "home":
        return (
            f"CASE WHEN {alias}.home_lat IS NULL THEN NULL "
            f"ELSE json_build_object('lat', {alias}.home_lat, 'lon', {alias}.home_lon) END"
        )
    return col


def _select(lst: BundleList, alias: str = "t") -> tuple[list[str], list[str]]:
    """(json_build_object arguments, joins) for one list's records."""
    args, joins = [], []
    for n, f in enumerate(lst.fields):
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


def _lots_json() -> str:
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
        f"FROM commissioning_lot l WHERE l.contract_id = t.id)"
    )
    changes = (
        "(SELECT coalesce(json_agg(json_build_object('lot', l.number, 'from', to_char(r.effective_from, 'YYYY-MM-DD'), "
        "'hourly_rate', trim_scale(r.hourly_rate)::text) ORDER BY l.number, r.effective_from), '[]') "
        "FROM commissioning_lotrate r JOIN commissioning_lot l ON l.id = r.lot_id WHERE l.contract_id = t.id "
        "AND r.effective_from > (SELECT min(effective_from) FROM commissioning_lotrate r2 WHERE r2.lot_id = l.id))"
    )
    return f"'lots', {lots}, 'rate_changes', {changes}"


def _attendances_json() -> str:
    args, joins = _select(BY_NAME["attendances"], "a")
    return (
        f"'attendances', (SELECT coalesce(json_agg(json_build_object({', '.join(args)}) ORDER BY j0.ref), '[]') "
        f"FROM rota_attendance a {' '.join(joins)} WHERE a.visit_id = t.id)"
    )


# Which contracts a record hangs off, for a commissioner's export (None: not contract-bound).
_CONTRACT_OF = {
    "contracts": "t.id",
    "people": "t.contract_id",
    "credits": "t.contract_id",
    "spend": "t.contract_id",
    "packages": "(SELECT contract_id FROM outcomes_person WHERE id = t.person_id)",
    "referrals": "(SELECT contract_id FROM outcomes_person WHERE id = t.person_id)",
    "hospital_stays": "(SELECT contract_id FROM outcomes_person WHERE id = t.person_id)",
    "visits": "(SELECT contract_id FROM outcomes_person WHERE id = t.person_id)",
    "outcome_assessments": "(SELECT contract_id FROM outcomes_person WHERE id = t.person_id)",
    "package_changes": "(SELECT p.contract_id FROM outcomes_package k JOIN outcomes_person p ON p.id = k.person_id "
    "WHERE k.id = t.package_id)",
    "reviews": "(SELECT p.contract_id FROM outcomes_package k JOIN outcomes_person p ON p.id = k.person_id "
    "WHERE k.id = t.package_id)",
}


def _list_sql(lst: BundleList, commissioner_id: int | None, dated: bool) -> str:
    args, joins = _select(lst)
    if lst.name == "contracts":
        args.append(_lots_json())
    if lst.name == "visits":
        args.append(_attendances_json())
    where = ["t.provider_id = %(provider)s"]
    if dated and lst.dated_by:
        f = lst.fmap[lst.dated_by]
        col = f't."{f.col}"'
        day = f"({col} AT TIME ZONE %(tz)s)::date" if f.kind == "datetime" else col
        where.append(f"{day} BETWEEN %(from)s AND %(to)s")
    if commissioner_id is not None and lst.name in _CONTRACT_OF:
        where.append(
            f"{_CONTRACT_OF[lst.name]} IN (SELECT contract_id FROM commissioning_lot WHERE commissioner_id = %(commissioner)s)"
        )
    return (
        f"SELECT json_build_object({', '.join(args)})::text FROM {lst.table} t "
        f"JOIN commissioning_organisation o ON o.id = t.provider_id {' '.join(joins)} "
        f"WHERE {' AND '.join(where)} ORDER BY t.ref"
    )


def _header_lists(provider_id: int, commissioner_id: int | None) -> dict[str, str]:
    lots = "SELECT l.commissioner_id FROM commissioning_lot l WHERE l.provider_id = %(provider)s"
    if commissioner_id is not None:
        lots += " AND l.commissioner_id = %(commissioner)s"
    return {
        "commissioners": "SELECT json_build_object('ref', ref, 'name', name)::text FROM commissioning_organisation "
        f"WHERE id IN ({lots}) ORDER BY ref",
        "providers": "SELECT json_build_object('ref', ref, 'name', name, 'on_cost_factor', "
        "trim_scale(on_cost_factor)::text)::text FROM commissioning_organisation WHERE id = %(provider)s",
        "neighbourhoods": "SELECT json_build_object('ref', ref, 'name', name, 'wards', wards, 'lsoas', lsoas)::text "
        "FROM commissioning_neighbourhood WHERE id IN (SELECT neighbourhood_id FROM commissioning_contract "
        "WHERE provider_id = %(provider)s UNION SELECT neighbourhood_id FROM workforce_team "
        "WHERE provider_id = %(provider)s) ORDER BY ref",
    }


def export_bundle(
    *,
    provider_id: int,
    date_from: date | None = None,
    date_to: date | None = None,
    commissioner_id: int | None = None,
) -> Iterator[str]:
    """Yield the bundle's text in pieces. Callers check who may export what (see api.py/command)."""
    params = {
        "provider": provider_id,
        "tz": TIMEZONE,
        "from": date_from or date.min,
        "to": date_to or date.max,
        "commissioner": commissioner_id,
    }
    dated = date_from is not None or date_to is not None
    yield f'{{"format": {json.dumps(FORMAT)}, "timezone": {json.dumps(TIMEZONE)}'
    headers = _header_lists(provider_id, commissioner_id)
    for lst in LISTS:
        if lst.parent:
            continue
        sql = headers.get(lst.name) or _list_sql(lst, commissioner_id, dated)
        yield f',\n"{lst.name}": ['
        first = True
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(FETCH_ROWS):
                for (text,) in rows:
                    yield ("\n" if first else ",\n") + text
                    first = False
        yield "]"
    yield "\n}\n"
