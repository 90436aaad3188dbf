"""People who draw on care, their packages and how they change, reviews, stays, outcomes, events."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q

from homecare.models import ProviderOwned, unique_ref


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Person(ProviderOwned):
    contract = models.ForeignKey("commissioning.Contract", on_delete=models.PROTECT, related_name="people")
    lot = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200, blank=True)  # optional; never needed to compute anything
    home_lat = models.FloatField(null=True, blank=True)
    home_lon = models.FloatField(null=True, blank=True)
    outcomes_opt_out = models.BooleanField(default=False)

    TENANT_LOT = ("contract", "lot")

    class Meta:
        constraints = [unique_ref("person")]


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Package(ProviderOwned):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="packages")
    lot = models.PositiveSmallIntegerField()
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    planned_weekly_hours = models.DecimalField(max_digits=7, decimal_places=2)
    review_due = models.DateField(null=True, blank=True)

    TENANT_LOT = ("person__contract", "person__lot")

    class Meta:
        constraints = [
            unique_ref("package"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="package_end_after_start"
            ),
            models.CheckConstraint(condition=Q(planned_weekly_hours__gte=0), name="package_hours_not_negative"),
        ]


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class PackageChange(ProviderOwned):
    """A change to a package's planned hours, by the provider as trusted assessor or by a social worker.
    A provider change applies from `effective`; if rejected, it stops applying from `decided`."""

    class By(models.TextChoices):
        PROVIDER = "provider"
        SOCIAL_WORKER = "social_worker"

    class Reason(models.TextChoices):
        INCREASE_NEED = "increase_need"
        REHABILITATION = "rehabilitation"
        ENABLEMENT = "enablement"
        COMMUNITY_CONNECTION = "community_connection"
        RIGHT_SIZING = "right_sizing"
        OTHER = "other"

    class ConsentBy(models.TextChoices):
        PERSON = "person"
        ADVOCATE = "advocate"
        FAMILY = "family"

    class Decision(models.TextChoices):
        APPROVED = "approved"
        REJECTED = "rejected"
        PENDING = "pending"

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="changes")
    effective = models.DateField()
    new_weekly_hours = models.DecimalField(max_digits=7, decimal_places=2)
    by = models.CharField(max_length=20, choices=By.choices)
    reason = models.CharField(max_length=30, choices=Reason.choices)
    consent_by = models.CharField(max_length=20, choices=ConsentBy.choices, null=True, blank=True)
    submitted_for_approval = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decided = models.DateField(null=True, blank=True)
    # Beyond the lot's agreed parameters: it applies only once approved (from the later of the date
    # asked for and the decision). Optional bundle field; absent means false (the format's meaning).
    prior_approval = models.BooleanField(default=False, db_default=False)
    consent_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True, default="", db_default="")
    # The workflow's own record (not in the bundle): who did what, and the date first asked for.
    # Columns the bundle import does not name have database defaults (it inserts with SQL).
    requested_effective = models.DateField(null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True, default="", db_default="")

    TENANT_LOT = ("package__person__contract", "package__person__lot")

    class Status(models.TextChoices):
        """The workflow's states, read from the bundle's fields (docs/assessor-workflow.md)."""

        APPLIED = "applied", "Applied"
        WAITING_APPROVAL = "waiting_approval", "Waiting for approval"
        SUBMITTED = "submitted", "Submitted for approval"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    class Meta:
        constraints = [
            unique_ref("packagechange"),
            models.CheckConstraint(condition=Q(new_weekly_hours__gte=0), name="packagechange_hours_not_negative"),
            models.CheckConstraint(
                condition=Q(decision="pending") | Q(decided__isnull=False), name="packagechange_decision_has_date"
            ),
        ]
        indexes = [
            # The approvals queue and the daily submission job read the undecided changes only.
            models.Index(
                fields=["submitted_for_approval", "id"],
                condition=Q(decision="pending"),
                name="outcomes_pc_pending_idx",
            )
        ]

    @property
    def status(self) -> str:
        if self.decision == self.Decision.APPROVED:
            return self.Status.APPROVED
        if self.decision == self.Decision.REJECTED:
            return self.Status.REJECTED
        if self.prior_approval:
            return self.Status.WAITING_APPROVAL
        if self.submitted_for_approval is not None:
            return self.Status.SUBMITTED
        return self.Status.APPLIED

    @property
    def status_label(self) -> str:
        return self.Status(self.status).label

    @property
    def applies(self) -> bool:
        """Whether the change ever changes the package's hours (the return's rule)."""
        return not (self.prior_approval and self.decision != self.Decision.APPROVED)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Review(ProviderOwned):
    class Kind(models.TextChoices):
        PROVIDER = "provider"
        SOCIAL_WORKER = "social_worker"

    # Indexed below with the columns the weekly return reads (no plain index of its own).
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="reviews", db_index=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due = models.DateField()
    completed = models.DateField(null=True, blank=True)
    # What the review found (recorded in the app; not in the bundle).
    progress = models.BooleanField(null=True, blank=True)  # the person feels they made progress
    outcomes_opted_out = models.BooleanField(
        default=False, db_default=False
    )  # declined the Outcomes Tool at this review
    assessment = models.ForeignKey(
        "OutcomeAssessment", null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    notes = models.TextField(blank=True, default="", db_default="")
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    TENANT_LOT = ("package__person__contract", "package__person__lot")

    class Meta:
        constraints = [unique_ref("review")]
        # Covering: the return reads each package's reviews (measures 4 and 11, KPI 5) from the index
        # alone, without a heap fetch per review.
        indexes = [
            models.Index(fields=["package"], include=["kind", "due", "completed"], name="outcomes_review_pkg_cov")
        ]


class HospitalStay(ProviderOwned):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="hospital_stays")
    admitted = models.DateTimeField()
    discharged = models.DateTimeField(null=True, blank=True)

    TENANT_LOT = ("person__contract", "person__lot")

    class Meta:
        constraints = [
            unique_ref("hospitalstay"),
            models.CheckConstraint(
                condition=Q(discharged__isnull=True) | Q(discharged__gte=F("admitted")),
                name="hospitalstay_discharged_after_admitted",
            ),
        ]


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class OutcomeAssessment(ProviderOwned):
    """Outcomes Tool: three domains, each rated 1-5 by the person."""

    # Indexed below by person and date, newest first (no plain index of its own).
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="outcome_assessments", db_index=False)
    date = models.DateField()
    wellbeing_independence = models.PositiveSmallIntegerField()
    home = models.PositiveSmallIntegerField()
    community = models.PositiveSmallIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    TENANT_LOT = ("person__contract", "person__lot")

    @property
    def total(self) -> int:
        return self.wellbeing_independence + self.home + self.community

    class Meta:
        constraints = [
            unique_ref("outcomeassessment"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{f}__gte": 1, f"{f}__lte": 5}), name=f"outcomeassessment_{f}_1_to_5"
                )
                for f in ("wellbeing_independence", "home", "community")
            ],
        ]
        # Covering, newest first: a person's latest assessment and the one before it (measure 12,
        # KPI 6) are the first entries of one index range, with no sort and no heap fetch.
        indexes = [
            models.Index(
                fields=["person", "-date", "-id"],
                include=["wellbeing_independence", "home", "community"],
                name="outcomes_oa_person_date_cov",
            )
        ]


class Event(ProviderOwned):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint"
        INCIDENT = "incident"
        CASE_STUDY = "case_study"
        HOSPITAL_ADMISSION_AVOIDED = "hospital_admission_avoided"
        PRESSURE_RELIEVED = "pressure_relieved"
        SERVICE_GAP = "service_gap"
        COMMUNITY_DEVELOPMENT = "community_development"

    date = models.DateField()
    kind = models.CharField(max_length=40, choices=Kind.choices)
    title = models.CharField(max_length=300)

    class Meta:
        constraints = [unique_ref("event")]


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="CreditEvent",
    obj_field=pghistory.ObjForeignKey(related_name="events"),
)
class Credit(ProviderOwned):
    """A refund or credit to the commissioner of a lot; appears on that lot's invoice."""

    contract = models.ForeignKey("commissioning.Contract", on_delete=models.PROTECT, related_name="credits")
    lot = models.PositiveSmallIntegerField()
    date = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.CharField(max_length=300)

    TENANT_LOT = ("contract", "lot")

    class Meta:
        constraints = [
            unique_ref("credit"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="credit_amount_not_negative"),
        ]


class PeopleSurvey(ProviderOwned):
    date = models.DateField()
    responses = models.PositiveIntegerField()
    felt_understood = models.PositiveIntegerField()
    unpaid_carers_responses = models.PositiveIntegerField(null=True, blank=True)
    unpaid_carers_well_supported = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            unique_ref("peoplesurvey"),
            models.CheckConstraint(
                condition=Q(felt_understood__lte=F("responses")), name="peoplesurvey_felt_understood_within_responses"
            ),
        ]
