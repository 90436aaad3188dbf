"""Organisations, people who log in, and what commissioners buy: neighbourhoods, contracts, lots."""

from __future__ import annotations

import pghistory
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from homecare.models import ProviderOwned, unique_ref


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
        # Care workers log in on shared or basic phones: the brief exempts them.
        return bool(self.roles) and set(self.roles) != {Role.CARE_WORKER}


class ApiToken(models.Model):
    """A token for a REST client; it acts for its organisation. Shown once, stored hashed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    revoked = models.DateTimeField(null=True, blank=True)
    last_used = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Neighbourhood(models.Model):
    ref = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    wards = ArrayField(models.CharField(max_length=200), default=list)
    lsoas = ArrayField(models.CharField(max_length=20), default=list, blank=True)

    def __str__(self) -> str:
        return self.name


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

    TENANT_CONTRACT_PATH = "contract"

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

    TENANT_CONTRACT_PATH = "lot__contract"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lot", "effective_from"], name="lotrate_unique_date_per_lot"),
            models.CheckConstraint(condition=Q(hourly_rate__gte=0), name="lotrate_rate_not_negative"),
        ]


class Referral(ProviderOwned):
    class Outcome(models.TextChoices):
        STARTED = "started"
        DECLINED = "declined"
        WITHDRAWN = "withdrawn"
        PENDING = "pending"

    person = models.ForeignKey("outcomes.Person", on_delete=models.PROTECT, related_name="referrals")
    lot = models.PositiveSmallIntegerField()
    received = models.DateTimeField()
    priority = models.BooleanField(default=False)
    authorised_delay = models.BooleanField(default=False)
    start_agreed = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    decided = models.DateTimeField(null=True, blank=True)

    TENANT_CONTRACT_PATH = "person__contract"

    class Meta:
        constraints = [
            unique_ref("referral"),
            models.CheckConstraint(
                condition=Q(decided__isnull=True) | Q(decided__gte=models.F("received")),
                name="referral_decided_after_received",
            ),
        ]


class Spend(ProviderOwned):
    """Spend the provider enters for a period (measure 15)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="spend")
    period_start = models.DateField()
    period_end = models.DateField()
    indirect_staffing = models.DecimalField(max_digits=12, decimal_places=2)
    total_spend = models.DecimalField(max_digits=12, decimal_places=2)

    TENANT_CONTRACT_PATH = "contract"

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
