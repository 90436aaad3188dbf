"""Cross-record rules, as set-based SQL over the staging tables (the statements are in sql/). Each
check is one query returning the index of each failing row with its message, however many records
the bundle has; the JSON path is built from the index."""

from __future__ import annotations

import dataclasses

from homecare.lib.sql import sql_loader
from rota.rules import CHECK_IN_EARLIEST_BEFORE_START, CHECK_IN_LATEST_AFTER_END, LONGEST_ATTENDANCE

from .lists import BY_NAME, LISTS, BundleList
from .staging import q, stg

sql = sql_loader(__file__)


@dataclasses.dataclass(frozen=True)
class Check:
    """One query (`name`.sql, its {{markers}} filled from `ids`): rows of (idx, message), or for a
    nested list (pidx, idx, message), of list `lst`; the error's path ends in `field`."""

    name: str
    lst: BundleList
    field: str | None = None
    ids: dict[str, str] = dataclasses.field(default_factory=dict)
    params: dict[str, str] = dataclasses.field(default_factory=dict)

    def statement(self) -> str:
        index = "s.pidx, s.idx" if self.lst.parent else "s.idx"
        return sql(self.name, index=index, table=stg(self.lst), **self.ids)

    def path(self, *index: int) -> str:
        """The JSON path of a failing row: visits[41].attendances[0].check_out."""
        lst, tail = self.lst, f".{self.field}" if self.field else ""
        if lst.parent:
            return f"{lst.parent}[{index[0]}].{lst.name}[{index[1]}]{tail}"
        return f"{lst.name}[{index[0]}]{tail}"


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
            cursor.execute(sql("owners_direct", table=t))
        elif lst.owner and lst.owner[0] == "via":
            _, via, target = lst.owner
            cursor.execute(sql("owners_via", table=t, field=q(via), target=stg(BY_NAME[target])))
        elif lst.parent:
            cursor.execute(sql("owners_nested", table=t, parent=stg(BY_NAME[lst.parent])))
        cursor.execute(f"ANALYZE {t}")
    cursor.execute("SELECT set_config('default_statistics_target', %s, true)", [previous])


def _duplicates() -> list[Check]:
    checks = []
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
        checks.append(Check("duplicates", lst, what, {"key": key, "what": q(what), "list": lst.name}))
    return checks


def _references() -> list[Check]:
    checks = []
    for lst in LISTS:
        for f in lst.fields:
            if f.kind != "ref" or not f.target:
                continue
            target = BY_NAME[f.target]
            ids = {"field": f.name, "column": q(f.name), "target": stg(target)}
            checks.append(Check("unknown_reference", lst, f.name, ids))
            if target.owner and lst.owner != ("via", f.name, f.target) and (lst.owner or lst.parent):
                # The referenced record must belong to the same provider as this one.
                checks.append(Check("foreign_reference", lst, f.name, ids))
    return checks


def _ordered(list_name: str, later: str, earlier: str, *, strictly: bool = False, message: str = "") -> Check:
    """`later` not before `earlier` (`strictly`: after it)."""
    return Check(
        "ends_at_or_before_start" if strictly else "ends_before_start",
        BY_NAME[list_name],
        later,
        {"later": q(later), "earlier": q(earlier)},
        {"message": message or f"before {earlier}"},
    )


def _dates() -> list[Check]:
    return [
        _ordered("contracts", "end", "start"),
        _ordered("packages", "end", "start"),
        _ordered("workers", "left", "started"),
        _ordered("absences", "end", "start"),
        _ordered("spend", "period_end", "period_start"),
        _ordered("shifts", "end", "start", strictly=True, message="not after start"),
        _ordered("visits", "planned_end", "planned_start", strictly=True, message="not after planned_start"),
        _ordered("hospital_stays", "discharged", "admitted"),
        _ordered("referrals", "decided", "received"),
        _ordered("attendances", "check_out", "check_in", strictly=True, message="not after check_in"),
        Check("check_out_without_check_in", BY_NAME["attendances"], "check_in"),
        Check("decision_without_date", BY_NAME["package_changes"], "decided"),
    ]


def _ranges() -> list[Check]:
    checks = [
        Check("share_range", lst, f.name, {"column": q(f.name)})
        for lst in LISTS
        for f in lst.fields
        if f.kind == "decimal" and f.name.endswith("_share")
    ]
    return [
        *checks,
        Check("mean_score_range", BY_NAME["staff_surveys"], "mean_score"),
        Check("on_cost_factor_range", BY_NAME["providers"], "on_cost_factor"),
        Check("felt_understood_range", BY_NAME["people_surveys"], "felt_understood"),
        Check("unpaid_carers_range", BY_NAME["people_surveys"], "unpaid_carers_well_supported"),
    ]


def _lots_and_packages() -> list[Check]:
    return [
        Check("lot_of_contract", BY_NAME["people"], "lot", {"contract": "contract"}),
        Check("lot_of_contract", BY_NAME["credits"], "lot", {"contract": "contract"}),
        Check("lot_of_contract", BY_NAME["rate_changes"], "lot", {"contract": "pref"}),
        Check("package_lot", BY_NAME["packages"], "lot"),
        Check("referral_lot", BY_NAME["referrals"], "lot"),
        Check("visit_package", BY_NAME["visits"], "package"),
        Check("rate_change_before_contract", BY_NAME["rate_changes"], "from"),
    ]


def _attendances() -> list[Check]:
    a = BY_NAME["attendances"]
    bounds = {"earliest": CHECK_IN_EARLIEST_BEFORE_START, "latest": CHECK_IN_LATEST_AFTER_END}
    return [
        Check("attendance_bounds", a, "check_in", params=bounds),
        Check("attendance_length", a, "check_out", params={"longest": LONGEST_ATTENDANCE}),
        Check("shift_overlaps", BY_NAME["shifts"], "start"),
        Check("attendance_overlaps", a, "check_in"),
    ]


def _actor() -> list[Check]:
    """A provider imports only its own data: every row owned by another provider is an error."""
    checks = [Check("other_provider", BY_NAME["providers"])]
    checks += [
        Check("other_providers_record", lst, lst.owner[1], {"field": lst.owner[1]}) for lst in LISTS if lst.owner
    ]
    return checks


def run_checks(cursor, *, actor_provider: str | None, limit: int) -> list[dict]:
    checks = _duplicates() + [Check("duplicate_external_ids", BY_NAME["attendances"], "external_id")]
    checks += _references() + _dates() + _ranges() + _lots_and_packages() + _attendances()
    if actor_provider is not None:
        checks += _actor()
    errors: list[dict] = []
    for check in checks:
        cursor.execute(check.statement(), {**check.params, "limit": limit, "actor": actor_provider})
        errors += [{"path": check.path(*index), "message": message} for *index, message in cursor.fetchall()]
        if len(errors) >= limit:
            break
    return errors[:limit]
