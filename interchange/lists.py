"""What each list of a bundle holds, declared once: the JSON Schema, the staging tables, the
reference checks and the upserts are all derived from these declarations, so they cannot drift."""

from __future__ import annotations

from dataclasses import dataclass, field

# Decimal strings, by what they hold; the digits match the database columns so nothing is rounded.
MONEY = r"^-?\d{1,10}(\.\d{1,2})?$"
HOURS = r"^\d{1,8}(\.\d{1,2})?$"
SHARE = r"^\d(\.\d{1,4})?$"
FACTOR = r"^\d{1,2}(\.\d{1,3})?$"


@dataclass(frozen=True)
class F:
    """One field of a record. `kind`: ref, str, date, datetime, decimal, int, bool, enum, strlist, home.
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
class L:
    """A list of the bundle (or a list nested in a record, with `parent`)."""

    name: str
    fields: tuple[F, ...]
    table: str | None  # the real table it is upserted into
    # How the owning provider is found: ("direct", "provider") or ("via", field, list).
    owner: tuple[str, ...] | None = None
    parent: str | None = None  # for nested lists: the enclosing list
    dated_by: str | None = None  # the field the export date filter applies to
    extra: dict = field(default_factory=dict)

    @property
    def fmap(self) -> dict[str, F]:
        return {f.name: f for f in self.fields}


def _ref(required=True):
    return F("ref", "ref", required=required)


# Optional additions to the format, printed on invoices: where an organisation is (both parties)
# and where a provider is paid. An import that leaves them out keeps what is stored.
ADDRESS = (F("address", "str"), F("postcode", "str"))
BANK = (F("bank_account_name", "str"), F("bank_sort_code", "str"), F("bank_account_number", "str"))

LISTS: tuple[L, ...] = (
    L("commissioners", (_ref(), F("name", "str", True), *ADDRESS), "commissioning_organisation"),
    L(
        "providers",
        (_ref(), F("name", "str", True), F("on_cost_factor", "decimal", pattern=FACTOR), *ADDRESS, *BANK),
        "commissioning_organisation",
    ),
    L(
        "neighbourhoods",
        (_ref(), F("name", "str", True), F("wards", "strlist", default=[]), F("lsoas", "strlist", default=[])),
        "commissioning_neighbourhood",
    ),
    L(
        "contracts",
        (
            _ref(),
            F("provider", "ref", True, target="providers"),
            F("neighbourhood", "ref", True, target="neighbourhoods", column="neighbourhood_id"),
            F("model", "enum", True, enum=("prime_provider", "partnership", "spot")),
            F("start", "date", True),
            F("end", "date"),
            F("settlement", "enum", True, enum=("four_weekly", "monthly")),
            # Optional addition: days from a completed provider-led review to the next one.
            F("review_interval_days", "int", minimum=1, maximum=730, default=122),
            # Optional addition: days from an invoice's date to its due date.
            F("payment_terms_days", "int", minimum=0, maximum=365, default=30),
        ),
        "commissioning_contract",
        owner=("direct", "provider"),
    ),
    L(
        "lots",
        (
            F("lot", "int", True, column="number", minimum=1, maximum=2),
            F("name", "str", True),
            F("commissioner", "ref", True, target="commissioners", column="commissioner_id"),
            F("hourly_rate", "decimal", True, pattern=MONEY),
            F("expected_weekly_hours", "decimal", pattern=HOURS),
            F("guaranteed_share", "decimal", pattern=SHARE),
            F("billing_basis", "enum", enum=("planned", "actual", "actual_capped"), default="planned"),
            F("rounding_minutes", "int", minimum=0, maximum=1440),
            F("tolerance_share", "decimal", pattern=SHARE),
            F("short_visit_minutes", "int", minimum=0, maximum=1440),
            F("short_visit_rate", "decimal", pattern=MONEY),
            F("bank_holiday_multiplier", "decimal", pattern=FACTOR),
            F("hospital_retainer_share", "decimal", pattern=SHARE),
            F("hospital_retainer_days", "int", minimum=0, maximum=366),
            F("late_cancel_hours", "decimal", pattern=HOURS),
            F("late_cancel_share", "decimal", pattern=SHARE),
            # Optional additions: the largest change in weekly hours a trusted assessor may make without
            # prior approval, absolute and as a share of the hours before (docs/assessor-workflow.md).
            F("assessor_limit_hours", "decimal", pattern=r"^\d{1,4}(\.\d{1,2})?$"),
            F("assessor_limit_share", "decimal", pattern=SHARE),
        ),
        "commissioning_lot",
        parent="contracts",
    ),
    L(
        "rate_changes",
        (
            F("lot", "int", True, minimum=1, maximum=2),
            F("from", "date", True, column="effective_from"),
            F("hourly_rate", "decimal", True, pattern=MONEY),
        ),
        "commissioning_lotrate",
        parent="contracts",
    ),
    L(
        "teams",
        (
            _ref(),
            F("provider", "ref", True, target="providers"),
            F("neighbourhood", "ref", True, target="neighbourhoods", column="neighbourhood_id"),
            F("name", "str", True),
        ),
        "workforce_team",
        owner=("direct", "provider"),
    ),
    L(
        "workers",
        (
            _ref(),
            F("provider", "ref", True, target="providers"),
            F("team", "ref", target="teams", column="team_id"),
            F("name", "str", default=""),
            F("started", "date", True),
            F("left", "date"),
            F("leaving_reason", "str"),
            F("contract_type", "enum", True, enum=("zero_hours", "guaranteed_hours", "salaried")),
            F("contracted_weekly_hours", "decimal", pattern=HOURS),
            F("pay_rate", "decimal", True, pattern=MONEY),
            F("skills", "strlist", default=[]),
            F("home", "home"),
            F("travel_mode", "enum", enum=("walk", "cycle", "car", "public"), default="walk"),
        ),
        "workforce_worker",
        owner=("direct", "provider"),
    ),
    L(
        "people",
        (
            _ref(),
            F("provider", "ref", True, target="providers"),
            F("contract", "ref", True, target="contracts", column="contract_id"),
            F("lot", "int", True, minimum=1, maximum=2),
            F("name", "str", default=""),
            F("home", "home"),
            F("outcomes_opt_out", "bool", default=False),
        ),
        "outcomes_person",
        owner=("direct", "provider"),
    ),
    L(
        "packages",
        (
            _ref(),
            F("person", "ref", True, target="people", column="person_id"),
            F("lot", "int", True, minimum=1, maximum=2),
            F("start", "date", True),
            F("end", "date"),
            F("planned_weekly_hours", "decimal", True, pattern=HOURS),
            F("review_due", "date"),
        ),
        "outcomes_package",
        owner=("via", "person", "people"),
    ),
    L(
        "package_changes",
        (
            _ref(),
            F("package", "ref", True, target="packages", column="package_id"),
            F("effective", "date", True),
            F("new_weekly_hours", "decimal", True, pattern=HOURS),
            F("by", "enum", True, enum=("provider", "social_worker")),
            F(
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
            F("consent_by", "enum", enum=("person", "advocate", "family")),
            F("submitted_for_approval", "date"),
            F("decision", "enum", enum=("approved", "rejected", "pending"), default="pending"),
            F("decided", "date"),
            # Optional additions (docs/assessor-workflow.md): a change beyond the lot's limits applies
            # only once approved; when the person (or their family or advocate) agreed to it.
            F("prior_approval", "bool", default=False),
            F("consent_date", "date"),
        ),
        "outcomes_packagechange",
        owner=("via", "package", "packages"),
        dated_by="effective",
    ),
    L(
        "reviews",
        (
            _ref(),
            F("package", "ref", True, target="packages", column="package_id"),
            F("kind", "enum", True, enum=("provider", "social_worker")),
            F("due", "date", True),
            F("completed", "date"),
        ),
        "outcomes_review",
        owner=("via", "package", "packages"),
        dated_by="due",
    ),
    L(
        "referrals",
        (
            _ref(),
            F("person", "ref", True, target="people", column="person_id"),
            F("lot", "int", True, minimum=1, maximum=2),
            F("received", "datetime", True),
            F("priority", "bool", default=False),
            F("authorised_delay", "bool", default=False),
            F("start_agreed", "datetime"),
            F("outcome", "enum", enum=("started", "declined", "withdrawn", "pending"), default="pending"),
            F("decided", "datetime"),
        ),
        "commissioning_referral",
        owner=("via", "person", "people"),
        dated_by="received",
    ),
    L(
        "hospital_stays",
        (
            _ref(),
            F("person", "ref", True, target="people", column="person_id"),
            F("admitted", "datetime", True),
            F("discharged", "datetime"),
        ),
        "outcomes_hospitalstay",
        owner=("via", "person", "people"),
        dated_by="admitted",
    ),
    L(
        "shifts",
        (
            _ref(),
            F("worker", "ref", True, target="workers", column="worker_id"),
            F("start", "datetime", True),
            F("end", "datetime", True),
            F("unpaid_break_minutes", "int", minimum=0, maximum=1440, default=0),
            F("kind", "enum", enum=("care", "training", "meeting"), default="care"),
        ),
        "rota_shift",
        owner=("via", "worker", "workers"),
        dated_by="start",
    ),
    L(
        "visits",
        (
            _ref(),
            F("person", "ref", True, target="people", column="person_id"),
            F("package", "ref", target="packages", column="package_id"),
            F("planned_start", "datetime", True),
            F("planned_end", "datetime", True),
            F("carers_required", "int", minimum=1, maximum=2, default=1),
            F("outside_home", "bool", default=False),
            F(
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
            F("cancelled_at", "datetime"),
        ),
        "rota_visit",
        owner=("via", "person", "people"),
        dated_by="planned_start",
    ),
    L(
        "attendances",
        (
            F("worker", "ref", True, target="workers", column="worker_id"),
            F("check_in", "datetime"),
            F("check_out", "datetime"),
            F("method", "enum", enum=("app", "phone", "manual"), default="app"),
            F("exception_code", "str"),
            # Optional addition to the format: the ECM system's id, so exports of ingested
            # attendances round-trip. An import without it keeps the stored one.
            F("external_id", "ref"),
        ),
        "rota_attendance",
        parent="visits",
    ),
    L(
        "outcome_assessments",
        (
            _ref(),
            F("person", "ref", True, target="people", column="person_id"),
            F("date", "date", True),
            F("wellbeing_independence", "int", True, minimum=1, maximum=5),
            F("home", "int", True, minimum=1, maximum=5),
            F("community", "int", True, minimum=1, maximum=5),
        ),
        "outcomes_outcomeassessment",
        owner=("via", "person", "people"),
        dated_by="date",
    ),
    L(
        "absences",
        (
            _ref(),
            F("worker", "ref", True, target="workers", column="worker_id"),
            F("start", "date", True),
            F("end", "date", True),
            F("kind", "enum", True, enum=("sickness", "holiday", "other")),
        ),
        "workforce_absence",
        owner=("via", "worker", "workers"),
        dated_by="start",
    ),
    L(
        "training_records",
        (
            _ref(),
            F("worker", "ref", True, target="workers", column="worker_id"),
            F("course", "str", True),
            F("date", "date", True),
            F("hours", "decimal", True, pattern=HOURS),
        ),
        "workforce_trainingrecord",
        owner=("via", "worker", "workers"),
        dated_by="date",
    ),
    L(
        "staff_surveys",
        (
            _ref(),
            F("provider", "ref", True, target="providers"),
            F("date", "date", True),
            F("responses", "int", True, minimum=0),
            F("mean_score", "decimal", True, pattern=r"^\d(\.\d{1,2})?$"),
        ),
        "workforce_staffsurvey",
        owner=("direct", "provider"),
        dated_by="date",
    ),
    L(
        "people_surveys",
        (
            _ref(),
            F("provider", "ref", True, target="providers"),
            F("date", "date", True),
            F("responses", "int", True, minimum=0),
            F("felt_understood", "int", True, minimum=0),
            F("unpaid_carers_responses", "int", minimum=0),
            F("unpaid_carers_well_supported", "int", minimum=0),
        ),
        "outcomes_peoplesurvey",
        owner=("direct", "provider"),
        dated_by="date",
    ),
    L(
        "events",
        (
            _ref(),
            F("provider", "ref", True, target="providers"),
            F("date", "date", True),
            F(
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
            F("title", "str", True),
        ),
        "outcomes_event",
        owner=("direct", "provider"),
        dated_by="date",
    ),
    L(
        "credits",
        (
            _ref(),
            F("provider", "ref", True, target="providers"),
            F("contract", "ref", True, target="contracts", column="contract_id"),
            F("lot", "int", True, minimum=1, maximum=2),
            F("date", "date", True),
            F("amount", "decimal", True, pattern=r"^\d{1,10}(\.\d{1,2})?$"),
            F("reason", "str", True),
        ),
        "outcomes_credit",
        owner=("direct", "provider"),
        dated_by="date",
    ),
    L(
        "spend",
        (
            _ref(),
            F("provider", "ref", True, target="providers"),
            F("contract", "ref", True, target="contracts", column="contract_id"),
            F("period_start", "date", True),
            F("period_end", "date", True),
            F("indirect_staffing", "decimal", True, pattern=MONEY),
            F("total_spend", "decimal", True, pattern=MONEY),
        ),
        "commissioning_spend",
        owner=("direct", "provider"),
        dated_by="period_start",
    ),
)

BY_NAME: dict[str, L] = {lst.name: lst for lst in LISTS}
TOP_LEVEL: tuple[L, ...] = tuple(lst for lst in LISTS if lst.parent is None)
NESTED: dict[str, tuple[L, ...]] = {p.name: tuple(lst for lst in LISTS if lst.parent == p.name) for p in TOP_LEVEL}
