"""Organisations, people who log in, and what commissioners buy: neighbourhoods, contracts, lots."""

from __future__ import annotations

import pghistory
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from homecare.models import ProviderOwned, unique_ref

SORT_CODE = RegexValidator(r"^\d{2}-\d{2}-\d{2}$", "Enter a sort code as six digits, like 12-34-56.")
ACCOUNT_NUMBER = RegexValidator(r"^\d{8}$", "Enter an account number as eight digits.")


# The audit trail (docs/decisions.md, "Audit trail"): every change to what an organisation is and
# shares is kept with who made it and when.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    fields=["kind", "ref", "name", "on_cost_factor", "shares_finance_with_commissioners"],
    model_name="OrganisationEvent",
    obj_field=pghistory.ObjForeignKey(related_name="events"),
)
class Organisation(models.Model):
    class Kind(models.TextChoices):
        COMMISSIONER = "commissioner", "Commissioner"
        PROVIDER = "provider", "Provider"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    ref = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    # Providers only: multiplier from pay to direct staffing cost (employer NI, pension, holiday).
    on_cost_factor = models.DecimalField(max_digits=5, decimal_places=3, null=True, blank=True)
    # Providers only: whether commissioners may see the income-versus-cost view.
    shares_finance_with_commissioners = models.BooleanField(default=False)
    # Printed on invoices (both parties) and optional: null is "not given". A bundle that leaves them
    # out keeps what is stored.
    address = models.TextField(null=True, blank=True, help_text="The postal address, one line per line.")
    # As long as the bundle's text fields (300), so an import never fails on a column's width.
    postcode = models.CharField(max_length=300, null=True, blank=True)
    # Providers only: the account commissioners pay invoices into, printed on each invoice when given.
    bank_account_name = models.CharField(max_length=300, null=True, blank=True)
    bank_sort_code = models.CharField(
        max_length=300, null=True, blank=True, validators=[SORT_CODE], help_text="Six digits, like 12-34-56."
    )
    bank_account_number = models.CharField(
        max_length=300, null=True, blank=True, validators=[ACCOUNT_NUMBER], help_text="Eight digits."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "ref"], name="organisation_unique_ref_per_kind"),
            models.CheckConstraint(
                condition=Q(on_cost_factor__isnull=True) | Q(on_cost_factor__gte=1),
                name="organisation_on_cost_factor_at_least_1",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_provider(self) -> bool:
        return self.kind == self.Kind.PROVIDER

    @property
    def address_lines(self) -> list[str]:
        """The address as printed: its lines, then the postcode."""
        lines = [line.strip() for line in (self.address or "").splitlines() if line.strip()]
        return lines + ([self.postcode.strip()] if (self.postcode or "").strip() else [])

    @property
    def has_bank_details(self) -> bool:
        return bool(self.bank_account_name and self.bank_sort_code and self.bank_account_number)


class Role(models.TextChoices):
    PROVIDER_MANAGER = "provider_manager", "Provider manager"
    COORDINATOR = "coordinator", "Coordinator"
    TRUSTED_ASSESSOR = "trusted_assessor", "Trusted assessor"
    CARE_WORKER = "care_worker", "Care worker"
    COMMISSIONER_OFFICER = "commissioner_officer", "Commissioner officer"
    SOCIAL_WORKER = "social_worker", "Social worker"


PROVIDER_ROLES = {Role.PROVIDER_MANAGER, Role.COORDINATOR, Role.TRUSTED_ASSESSOR, Role.CARE_WORKER}
COMMISSIONER_ROLES = {Role.COMMISSIONER_OFFICER, Role.SOCIAL_WORKER}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


# Who may do what: roles, the admin flags and whether the account is active (not passwords or logins).
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    fields=["email", "organisation", "roles", "is_org_admin", "is_staff", "is_superuser", "is_active"],
    model_name="UserEvent",
    obj_field=pghistory.ObjForeignKey(related_name="events"),
)
class User(AbstractBaseUser, PermissionsMixin):
    """Logs in with an email address; belongs to one organisation with one or more roles."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    roles = ArrayField(models.CharField(max_length=30, choices=Role.choices), default=list, blank=True)
    # Organisation admins invite users and issue API tokens for their own organisation.
    is_org_admin = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.name or self.email

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def roles_label(self) -> str:
        return ", ".join(Role(r).label for r in self.roles if r in Role.values)

    @property
    def needs_mfa(self) -> bool:
        """Everyone with access to people's data needs TOTP (when HOMECARE_REQUIRE_MFA is on): every
        role, platform superusers and staff (who hold no role), organisation admins. Only a plain care
        worker is exempt: they log in on shared or basic phones and see only their own shifts."""
        plain_care_worker = set(self.roles) == {Role.CARE_WORKER}
        return not (plain_care_worker and not (self.is_org_admin or self.is_staff or self.is_superuser))


# Issue, revocation and any change of scope or expiry (not `last_used`, which changes on every call).
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    fields=["organisation", "name", "prefix", "scope", "expires", "revoked", "created_by"],
    model_name="ApiTokenEvent",
    obj_field=pghistory.ObjForeignKey(related_name="events"),
)
class ApiToken(models.Model):
    """A token for a REST client; it acts for its organisation. Shown once, stored hashed.
    A `read` token may only read (GET, HEAD, OPTIONS); a `write` token may also import bundles,
    send ECM attendances and ask for recomputations. It stops working after `expires` (a date,
    inclusive, London time) or once revoked."""

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    expires = models.DateField(null=True, blank=True)  # last day it works; None: never (older tokens)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    revoked = models.DateTimeField(null=True, blank=True)
    last_used = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_expired(self, today) -> bool:
        return self.expires is not None and today > self.expires

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Neighbourhood(models.Model):
    ref = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    wards = ArrayField(models.CharField(max_length=200), default=list)
    lsoas = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    # The commissioner that set it up on the contract set-up pages (null: it came in a bundle).
    commissioner = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="neighbourhoods"
    )

    def __str__(self) -> str:
        return self.name


# Payment terms when a contract names none: 30 days, the Public Contracts Regulations 2015 (reg. 113)
# term for public bodies paying their suppliers.
DEFAULT_PAYMENT_TERMS_DAYS = 30

# The return's due day, in days after the week's Sunday: by default the Wednesday after the week.
RETURN_DUE_DAYS_DEFAULT = 3
RETURN_DUE_DAYS_MAX = 14


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Contract(ProviderOwned):
    class Model(models.TextChoices):
        PRIME_PROVIDER = "prime_provider"
        PARTNERSHIP = "partnership"
        SPOT = "spot"

    class Settlement(models.TextChoices):
        FOUR_WEEKLY = "four_weekly"
        MONTHLY = "monthly"

    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="contracts")
    model = models.CharField(max_length=20, choices=Model.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    settlement = models.CharField(max_length=20, choices=Settlement.choices)
    # Days from a completed provider-led review to the next one (122: three reviews a year, the
    # Outcomes Tool's reporting rhythm).
    review_interval_days = models.PositiveSmallIntegerField(default=122, db_default=122)
    # Days from an invoice's date to the day it is due (the invoice prints both).
    payment_terms_days = models.PositiveSmallIntegerField(
        default=DEFAULT_PAYMENT_TERMS_DAYS,
        db_default=DEFAULT_PAYMENT_TERMS_DAYS,
        validators=[MaxValueValidator(365)],
        help_text="Days from an invoice's date to when it is due.",
    )
    # The weekly return is due at the end of this many days after the week's Sunday (London):
    # 3 is the Wednesday after the week.
    return_due_days = models.PositiveSmallIntegerField(
        default=RETURN_DUE_DAYS_DEFAULT, db_default=RETURN_DUE_DAYS_DEFAULT
    )
    # What the commissioners expect to spend over the contract's term (null: not set).
    expected_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    TENANT_CONTRACT_PATH = "pk"

    class Meta:
        constraints = [
            unique_ref("contract"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="contract_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(review_interval_days__gte=1, review_interval_days__lte=730),
                name="contract_review_interval_1_to_730_days",
            ),
            models.CheckConstraint(
                condition=Q(payment_terms_days__lte=365), name="contract_payment_terms_at_most_a_year"
            ),
            models.CheckConstraint(
                condition=Q(return_due_days__gte=1, return_due_days__lte=RETURN_DUE_DAYS_MAX),
                name="contract_return_due_days_in_range",
            ),
            models.CheckConstraint(
                condition=Q(expected_value__isnull=True) | Q(expected_value__gte=0),
                name="contract_expected_value_not_negative",
            ),
        ]


share = dict(max_digits=5, decimal_places=4, null=True, blank=True)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Lot(models.Model):
    """One lot of a contract and its terms. A null term means the contract has no such rule.
    The hourly rate is effective-dated in LotRate; other terms keep their history in the audit trail."""

    class BillingBasis(models.TextChoices):
        PLANNED = "planned"
        ACTUAL = "actual"
        ACTUAL_CAPPED = "actual_capped"

    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    commissioner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="commissioned_lots")
    expected_weekly_hours = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    guaranteed_share = models.DecimalField(**share)
    billing_basis = models.CharField(max_length=20, choices=BillingBasis.choices, default=BillingBasis.PLANNED)
    rounding_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    tolerance_share = models.DecimalField(**share)
    short_visit_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    short_visit_rate = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    bank_holiday_multiplier = models.DecimalField(max_digits=5, decimal_places=3, null=True, blank=True)
    hospital_retainer_share = models.DecimalField(**share)
    hospital_retainer_days = models.PositiveSmallIntegerField(null=True, blank=True)
    late_cancel_hours = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    late_cancel_share = models.DecimalField(**share)
    # The trusted assessor's agreed parameters: the largest change in weekly hours (absolute, and as
    # a share of the hours before) a provider may make without the social worker's prior approval.
    # Both null: the lot grants no such authority, every provider change waits for approval.
    assessor_limit_hours = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    assessor_limit_share = models.DecimalField(**share)

    TENANT_COMMISSIONER_FIELD = "commissioner"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="lot_unique_number_per_contract"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{f}__isnull": True}) | Q(**{f"{f}__gte": 0, f"{f}__lte": 1}),
                    name=f"lot_{f}_between_0_and_1",
                )
                for f in (
                    "guaranteed_share",
                    "tolerance_share",
                    "hospital_retainer_share",
                    "late_cancel_share",
                    "assessor_limit_share",
                )
            ],
            models.CheckConstraint(
                condition=Q(assessor_limit_hours__isnull=True) | Q(assessor_limit_hours__gte=0),
                name="lot_assessor_limit_hours_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.ref} lot {self.number}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class LotRate(models.Model):
    """The hourly rate of a lot from a date on (rates change each April)."""

    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="rates")
    effective_from = models.DateField()
    hourly_rate = models.DecimalField(max_digits=8, decimal_places=2)

    TENANT_COMMISSIONER_FIELD = "lot__commissioner"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lot", "effective_from"], name="lotrate_unique_date_per_lot"),
            models.CheckConstraint(condition=Q(hourly_rate__gte=0), name="lotrate_rate_not_negative"),
        ]


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class KpiTarget(models.Model):
    """A contract's minimum target for one KPI from a date on. A KPI with no row uses the default
    (Leeds CHWS, Appendix 2: commissioning.kpis.DEFAULT_KPI_TARGETS)."""

    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpi_targets")
    kpi = models.PositiveSmallIntegerField()
    effective_from = models.DateField()
    target = models.DecimalField(max_digits=4, decimal_places=1)  # percent, e.g. 95.0

    TENANT_CONTRACT_PATH = "contract"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract", "kpi", "effective_from"], name="kpitarget_unique_date"),
            models.CheckConstraint(condition=Q(kpi__gte=1, kpi__lte=7), name="kpitarget_kpi_1_to_7"),
            models.CheckConstraint(condition=Q(target__gte=0, target__lte=100), name="kpitarget_percent"),
        ]


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Referral(ProviderOwned):
    """A referral brokered to a provider. `received`, `start_agreed`, `outcome` and `decided` are the
    spec's (docs/spec/monitoring-return.md, KPIs 1-4). A brokered referral has no person until the
    provider accepts it; a referral from a bundle always has one, and a database trigger fills its
    `contract` from the person's (commissioning/migrations/sql/0003_referral_contract.sql)."""

    class Outcome(models.TextChoices):
        STARTED = "started"
        DECLINED = "declined"
        WITHDRAWN = "withdrawn"
        PENDING = "pending"

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="referrals")
    person = models.ForeignKey(
        "outcomes.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    lot = models.PositiveSmallIntegerField()
    received = models.DateTimeField()
    priority = models.BooleanField(default=False)
    authorised_delay = models.BooleanField(default=False)
    start_agreed = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    decided = models.DateTimeField(null=True, blank=True)
    # Brokering (empty for referrals that came in a bundle).
    person_ref = models.CharField(max_length=100, blank=True, db_default="")  # the commissioner's reference
    requested_start = models.DateField(null=True, blank=True)
    planned_weekly_hours = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    notes = models.TextField(blank=True, db_default="")
    commissioner = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="brokered_referrals"
    )
    brokered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The referral a declined one was passed on from (first refusal, then the next provider).
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="passed_on_as"
    )
    start_date = models.DateField(null=True, blank=True)  # the start date the provider agreed
    outcome_reason = models.TextField(blank=True, db_default="")  # why it was declined or withdrawn
    package = models.ForeignKey(
        "outcomes.Package", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )

    # Under lot n of its contract (tenancy): the contract is its own, a person comes when accepted.
    TENANT_LOT = ("contract", "lot")

    class Meta:
        constraints = [
            unique_ref("referral"),
            models.CheckConstraint(
                condition=Q(decided__isnull=True) | Q(decided__gte=models.F("received")),
                name="referral_decided_after_received",
            ),
            models.CheckConstraint(
                condition=Q(planned_weekly_hours__isnull=True) | Q(planned_weekly_hours__gte=0),
                name="referral_hours_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["contract", "received"], name="referral_contract_received")]


class Spend(ProviderOwned):
    """Spend the provider enters for a period (measure 15)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="spend")
    period_start = models.DateField()
    period_end = models.DateField()
    indirect_staffing = models.DecimalField(max_digits=12, decimal_places=2)
    total_spend = models.DecimalField(max_digits=12, decimal_places=2)

    # The provider's own spending: commissioners see it only as measure 15 of a return.

    class Meta:
        constraints = [
            unique_ref("spend"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="spend_period_in_order"),
        ]


class Notification(models.Model):
    """Something a user should know or act on (a change to decide, a decision, a review due), shown
    in the header's count and the notifications page, and sent by email. `key` makes a notice that a
    daily job raises once per user (a review due in 7 days) safe to raise again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)  # a path in this site
    key = models.CharField(max_length=120, blank=True)
    created = models.DateTimeField(default=timezone.now)
    read = models.DateTimeField(null=True, blank=True)
    emailed = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~Q(key=""), name="notification_unique_key_per_user"
            )
        ]
        indexes = [
            models.Index(fields=["user", "-created"], name="commissioning_notif_user_idx"),
            # The header's count on every page: the unread ones only.
            models.Index(fields=["user"], condition=Q(read__isnull=True), name="commissioning_notif_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.subject
