"""What each list of a bundle holds, declared once: the JSON Schema, the staging tables, the
reference checks and the upserts are all derived from these declarations, so they cannot drift."""

from __future__ import annotations

from dataclasses import dataclass

# Decimal strings, by what they hold; the digits match the database columns so nothing is rounded.
MONEY = r"^-?\d{1,10}(\.\d{1,2})?$"
HOURS = r"^\d{1,8}(\.\d{1,2})?$"
SHARE = r"^\d(\.\d{1,4})?$"
FACTOR = r"^\d{1,2}(\.\d{1,3})?$"


@dataclass(frozen=True)
class Field:
    """One field of a record. `kind`: ref, str, date, datetime, decimal, int, bool, enum, strlist, home,
    time (a local wall time "08:30"), daylist (ISO weekday numbers, 1 = Monday), reflist (refs of
    `target`, stored elsewhere than the record's table: a visit's planned care workers).
    `target`: the list a ref points at. `column`: the database column (default: the name)."""

    name: str
    kind: str
    required: bool = False
    target: str | None = None
    column: str | None = None
    enum: tuple[str, ...] = ()
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    default: object = None  # applied on import when the field is omitted or null

    @property
    def col(self) -> str:
        return self.column or self.name


@dataclass(frozen=True)
class BundleList:
    """A list of the bundle (or a list nested in a record, with `parent`)."""

    name: str
    fields: tuple[Field, ...]
    table: str | None  # the real table it is upserted into
    # How the owning provider is found: ("direct", "provider") or ("via", field, list).
    owner: tuple[str, ...] | None = None
    parent: str | None = None  # for nested lists: the enclosing list
    dated_by: str | None = None  # the field the export date filter applies to

    @property
    def fmap(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}


def _ref(required=True):
    return Field("ref", "ref", required=required)


# Optional additions to the format, printed on invoices: where an organisation is (both parties)
# and where a provider is paid. An import that leaves them out keeps what is stored.
ADDRESS = (Field("address", "str"), Field("postcode", "str"))
BANK = (Field("bank_account_name", "str"), Field("bank_sort_code", "str"), Field("bank_account_number", "str"))

LISTS: tuple[BundleList, ...] = (
    BundleList("commissioners", (_ref(), Field("name", "str", True), *ADDRESS), "commissioning_organisation"),
    BundleList(
        "providers",
        (_ref(), Field("name", "str", True), Field("on_cost_factor", "decimal", pattern=FACTOR), *ADDRESS, *BANK),
        "commissioning_organisation",
    ),
    BundleList(
        "neighbourhoods",
        (
            _ref(),
            Field("name", "str", True),
            Field("wards", "strlist", default=[]),
            Field("lsoas", "strlist", default=[]),
        ),
        "commissioning_neighbourhood",
    ),
    BundleList(
        "contracts",
        (
            _ref(),
            Field("provider", "ref", True, target="providers"),
            Field("neighbourhood", "ref", True, target="neighbourhoods", column="neighbourhood_id"),
            Field("model", "enum", True, enum=("prime_provider", "partnership", "spot")),
            Field("start", "date", True),
            Field("end", "date"),
            Field("settlement", "enum", True, enum=("four_weekly", "monthly")),
            # Optional addition: days from a completed provider-led review to the next one.
            Field("review_interval_days", "int", minimum=1, maximum=730, default=122),
            # Optional addition: days from an invoice's date to its due date.
            Field("payment_terms_days", "int", minimum=0, maximum=365, default=30),
        ),
        "commissioning_contract",
        owner=("direct", "provider"),
    ),
    BundleList(
        "lots",
        (
            Field("lot", "int", True, column="number", minimum=1, maximum=2),
            Field("name", "str", True),
            Field("commissioner", "ref", True, target="commissioners", column="commissioner_id"),
            Field("hourly_rate", "decimal", True, pattern=MONEY),
            Field("expected_weekly_hours", "decimal", pattern=HOURS),
            Field("guaranteed_share", "decimal", pattern=SHARE),
            Field("billing_basis", "enum", enum=("planned", "actual", "actual_capped"), default="planned"),
            Field("rounding_minutes", "int", minimum=0, maximum=1440),
            Field("tolerance_share", "decimal", pattern=SHARE),
            Field("short_visit_minutes", "int", minimum=0, maximum=1440),
            Field("short_visit_rate", "decimal", pattern=MONEY),
            Field("bank_holiday_multiplier", "decimal", pattern=FACTOR),
            Field("hospital_retainer_share", "decimal", pattern=SHARE),
            Field("hospital_retainer_days", "int", minimum=0, maximum=366),
            Field("late_cancel_hours", "decimal", pattern=HOURS),
            Field("late_cancel_share", "decimal", pattern=SHARE),
            # Optional additions: the largest change in weekly hours a trusted assessor may make without
            # prior approval, absolute and as a share of the hours before (docs/assessor-workflow.md).
            Field("assessor_limit_hours", "decimal", pattern=r"^\d{1,4}(\.\d{1,2})?$"),
            Field("assessor_limit_share", "decimal", pattern=SHARE),
        ),
        "commissioning_lot",
        parent="contracts",
    ),
    BundleList(
        "rate_changes",
        (
            Field("lot", "int", True, minimum=1, maximum=2),
            Field("from", "date", True, column="effective_from"),
            Field("hourly_rate", "decimal", True, pattern=MONEY),
        ),
        "commissioning_lotrate",
        parent="contracts",
    ),
    BundleList(
        "teams",
        (
            _ref(),
            Field("provider", "ref", True, target="providers"),
            Field("neighbourhood", "ref", True, target="neighbourhoods", column="neighbourhood_id"),
            Field("name", "str", True),
        ),
        "workforce_team",
        owner=("direct", "provider"),
    ),
    BundleList(
        "workers",
        (
            _ref(),
            Field("provider", "ref", True, target="providers"),
            Field("team", "ref", target="teams", column="team_id"),
            Field("name", "str", default=""),
            Field("started", "date", True),
            Field("left", "date"),
            Field("leaving_reason", "str"),
            Field("contract_type", "enum", True, enum=("zero_hours", "guaranteed_hours", "salaried")),
            Field("contracted_weekly_hours", "decimal", pattern=HOURS),
            Field("pay_rate", "decimal", True, pattern=MONEY),
            Field("skills", "strlist", default=[]),
            Field("home", "home"),
            Field("travel_mode", "enum", enum=("walk", "cycle", "car", "public"), default="walk"),
        ),
        "workforce_worker",
        owner=("direct", "provider"),
    ),
    BundleList(
        "people",
        (
            _ref(),
            Field("provider", "ref", True, target="providers"),
            Field("contract", "ref", True, target="contracts", column="contract_id"),
            Field("lot", "int", True, minimum=1, maximum=2),
            Field("name", "str", default=""),
            Field("home", "home"),
            Field("outcomes_opt_out", "bool", default=False),
        ),
        "outcomes_person",
        owner=("direct", "provider"),
    ),
    BundleList(
        "packages",
        (
            _ref(),
            Field("person", "ref", True, target="people", column="person_id"),
            Field("lot", "int", True, minimum=1, maximum=2),
            Field("start", "date", True),
            Field("end", "date"),
            Field("planned_weekly_hours", "decimal", True, pattern=HOURS),
            Field("review_due", "date"),
        ),
        "outcomes_package",
        owner=("via", "person", "people"),
    ),
    BundleList(
        "package_changes",
        (
            _ref(),
            Field("package", "ref", True, target="packages", column="package_id"),
            Field("effective", "date", True),
            Field("new_weekly_hours", "decimal", True, pattern=HOURS),
            Field("by", "enum", True, enum=("provider", "social_worker")),
            Field(
                "reason",
                "enum",
                True,
                enum=(
                    "increase_need",
                    "rehabilitation",
                    "enablement",
                    "community_connection",
                    "right_sizing",
                    "other",
                ),
            ),
            Field("consent_by", "enum", enum=("person", "advocate", "family")),
            Field("submitted_for_approval", "date"),
            Field("decision", "enum", enum=("approved", "rejected", "pending"), default="pending"),
            Field("decided", "date"),
            # Optional additions (docs/assessor-workflow.md): a change beyond the lot's limits applies
            # only once approved; when the person (or their family or advocate) agreed to it.
            Field("prior_approval", "bool", default=False),
            Field("consent_date", "date"),
        ),
        "outcomes_packagechange",
        owner=("via", "package", "packages"),
        dated_by="effective",
    ),
    BundleList(
        "reviews",
        (
            _ref(),
            Field("package", "ref", True, target="packages", column="package_id"),
            Field("kind", "enum", True, enum=("provider", "social_worker")),
            Field("due", "date", True),
            Field("completed", "date"),
        ),
        "outcomes_review",
        owner=("via", "package", "packages"),
        dated_by="due",
    ),
    BundleList(
        "referrals",
        (
            _ref(),
            Field("person", "ref", True, target="people", column="person_id"),
            Field("lot", "int", True, minimum=1, maximum=2),
            Field("received", "datetime", True),
            Field("priority", "bool", default=False),
            Field("authorised_delay", "bool", default=False),
            Field("start_agreed", "datetime"),
            Field("outcome", "enum", enum=("started", "declined", "withdrawn", "pending"), default="pending"),
            Field("decided", "datetime"),
        ),
        "commissioning_referral",
        owner=("via", "person", "people"),
        dated_by="received",
    ),
    BundleList(
        "hospital_stays",
        (
            _ref(),
            Field("person", "ref", True, target="people", column="person_id"),
            Field("admitted", "datetime", True),
            Field("discharged", "datetime"),
        ),
        "outcomes_hospitalstay",
        owner=("via", "person", "people"),
        dated_by="admitted",
    ),
    BundleList(
        # Optional addition: a package's care plan, its recurring visit slots (rota.CarePlanSlot).
        "care_plan_slots",
        (
            _ref(),
            Field("package", "ref", True, target="packages", column="package_id"),
            Field("days", "daylist", True),
            Field("start", "time", True),
            # Left out: 30 minutes either side of the start, kept inside the day (as rota's editor).
            Field("earliest", "time"),
            Field("latest", "time"),
            Field("minutes", "int", True, minimum=5, maximum=720),
            Field("carers_required", "int", minimum=1, maximum=2, default=1),
            Field("skills", "strlist", default=[]),
            Field("outside_home", "bool", default=False),
            Field("tasks", "str", default=""),
            Field("valid_from", "date", True),
            Field("valid_until", "date"),
            # The team whose rota board lists the slot's visits.
            Field("team", "ref", target="teams", column="team_id"),
        ),
        "rota_careplanslot",
        owner=("via", "package", "packages"),
    ),
    BundleList(
        "shifts",
        (
            _ref(),
            Field("worker", "ref", True, target="workers", column="worker_id"),
            Field("start", "datetime", True),
            Field("end", "datetime", True),
            Field("unpaid_break_minutes", "int", minimum=0, maximum=1440, default=0),
            Field("kind", "enum", enum=("care", "training", "meeting"), default="care"),
        ),
        "rota_shift",
        owner=("via", "worker", "workers"),
        dated_by="start",
    ),
    BundleList(
        "visits",
        (
            _ref(),
            Field("person", "ref", True, target="people", column="person_id"),
            Field("package", "ref", target="packages", column="package_id"),
            Field("planned_start", "datetime", True),
            Field("planned_end", "datetime", True),
            Field("carers_required", "int", minimum=1, maximum=2, default=1),
            Field("outside_home", "bool", default=False),
            Field(
                "status",
                "enum",
                enum=(
                    "scheduled",
                    "completed",
                    "cancelled_by_person",
                    "not_at_home",
                    "hospital",
                    "cancelled_by_provider",
                    "missed",
                ),
                default="scheduled",
            ),
            Field("cancelled_at", "datetime"),
            # Optional addition: the care workers planned for the visit (rota assignments). Omitted
            # or null: the stored ones are kept; a list (even empty) replaces them.
            Field("planned_workers", "reflist", target="workers"),
        ),
        "rota_visit",
        owner=("via", "person", "people"),
        dated_by="planned_start",
    ),
    BundleList(
        "attendances",
        (
            Field("worker", "ref", True, target="workers", column="worker_id"),
            Field("check_in", "datetime"),
            Field("check_out", "datetime"),
            Field("method", "enum", enum=("app", "phone", "manual"), default="app"),
            Field("exception_code", "str"),
            # Optional addition to the format: the ECM system's id, so exports of ingested
            # attendances round-trip. An import without it keeps the stored one.
            Field("external_id", "ref"),
        ),
        "rota_attendance",
        parent="visits",
    ),
    BundleList(
        "outcome_assessments",
        (
            _ref(),
            Field("person", "ref", True, target="people", column="person_id"),
            Field("date", "date", True),
            Field("wellbeing_independence", "int", True, minimum=1, maximum=5),
            Field("home", "int", True, minimum=1, maximum=5),
            Field("community", "int", True, minimum=1, maximum=5),
        ),
        "outcomes_outcomeassessment",
        owner=("via", "person", "people"),
        dated_by="date",
    ),
    BundleList(
        "absences",
        (
            _ref(),
            Field("worker", "ref", True, target="workers", column="worker_id"),
            Field("start", "date", True),
            Field("end", "date", True),
            Field("kind", "enum", True, enum=("sickness", "holiday", "other")),
        ),
        "workforce_absence",
        owner=("via", "worker", "workers"),
        dated_by="start",
    ),
    BundleList(
        "training_records",
        (
            _ref(),
            Field("worker", "ref", True, target="workers", column="worker_id"),
            Field("course", "str", True),
            Field("date", "date", True),
            Field("hours", "decimal", True, pattern=HOURS),
        ),
        "workforce_trainingrecord",
        owner=("via", "worker", "workers"),
        dated_by="date",
    ),
    BundleList(
        "staff_surveys",
        (
            _ref(),
            Field("provider", "ref", True, target="providers"),
            Field("date", "date", True),
            Field("responses", "int", True, minimum=0),
            Field("mean_score", "decimal", True, pattern=r"^\d(\.\d{1,2})?$"),
        ),
        "workforce_staffsurvey",
        owner=("direct", "provider"),
        dated_by="date",
    ),
    BundleList(
        "people_surveys",
        (
            _ref(),
            Field("provider", "ref", True, target="providers"),
            Field("date", "date", True),
            Field("responses", "int", True, minimum=0),
            Field("felt_understood", "int", True, minimum=0),
            Field("unpaid_carers_responses", "int", minimum=0),
            Field("unpaid_carers_well_supported", "int", minimum=0),
        ),
        "outcomes_peoplesurvey",
        owner=("direct", "provider"),
        dated_by="date",
    ),
    BundleList(
        "events",
        (
            _ref(),
            Field("provider", "ref", True, target="providers"),
            Field("date", "date", True),
            Field(
                "kind",
                "enum",
                True,
                enum=(
                    "complaint",
                    "incident",
                    "case_study",
                    "hospital_admission_avoided",
                    "pressure_relieved",
                    "service_gap",
                    "community_development",
                ),
            ),
            Field("title", "str", True),
        ),
        "outcomes_event",
        owner=("direct", "provider"),
        dated_by="date",
    ),
    BundleList(
        "credits",
        (
            _ref(),
            Field("provider", "ref", True, target="providers"),
            Field("contract", "ref", True, target="contracts", column="contract_id"),
            Field("lot", "int", True, minimum=1, maximum=2),
            Field("date", "date", True),
            Field("amount", "decimal", True, pattern=r"^\d{1,10}(\.\d{1,2})?$"),
            Field("reason", "str", True),
        ),
        "outcomes_credit",
        owner=("direct", "provider"),
        dated_by="date",
    ),
    BundleList(
        "spend",
        (
            _ref(),
            Field("provider", "ref", True, target="providers"),
            Field("contract", "ref", True, target="contracts", column="contract_id"),
            Field("period_start", "date", True),
            Field("period_end", "date", True),
            Field("indirect_staffing", "decimal", True, pattern=MONEY),
            Field("total_spend", "decimal", True, pattern=MONEY),
        ),
        "commissioning_spend",
        owner=("direct", "provider"),
        dated_by="period_start",
    ),
)

BY_NAME: dict[str, BundleList] = {lst.name: lst for lst in LISTS}
TOP_LEVEL: tuple[BundleList, ...] = tuple(lst for lst in LISTS if lst.parent is None)
NESTED: dict[str, tuple[BundleList, ...]] = {
    p.name: tuple(lst for lst in LISTS if lst.parent == p.name) for p in TOP_LEVEL
}
