"""Planning the rota: care plans (recurring visit slots of a package), planned assignments of care
workers to visits, publishing a team's week, the changes made after it was published, and what the
care worker's phone recorded at a visit. Imported by rota/models.py, so these are rota's models."""

from __future__ import annotations

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from homecare.models import ProviderOwned, unique_ref


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CarePlanSlot(ProviderOwned):
    """One recurring visit of a package's care plan: on these ISO weekdays (1 = Monday), starting at
    `start` local time, placeable anywhere from `earliest` to `latest`, for `minutes`, by
    `carers_required` care workers. Effective-dated: a change ends this slot (`valid_until`) and a new
    one (`replaces` = this) takes over from the next day, so the plan on any past day can be read."""

    package = models.ForeignKey("outcomes.Package", on_delete=models.PROTECT, related_name="care_plan_slots")
    # The team whose board shows the slot's visits (a person's neighbourhood team); optional.
    team = models.ForeignKey("workforce.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    days = ArrayField(models.PositiveSmallIntegerField())
    start = models.TimeField()
    earliest = models.TimeField()
    latest = models.TimeField()
    minutes = models.PositiveSmallIntegerField()
    carers_required = models.PositiveSmallIntegerField(default=1)
    skills = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    outside_home = models.BooleanField(default=False)
    tasks = models.CharField(max_length=500, blank=True, default="")
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)  # inclusive
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    TENANT_CONTRACT_PATH = "package__person__contract"

    class Meta:
        constraints = [
            unique_ref("careplanslot"),
            models.CheckConstraint(condition=Q(carers_required__in=[1, 2]), name="careplanslot_carers_1_or_2"),
            models.CheckConstraint(condition=Q(minutes__gte=5, minutes__lte=720), name="careplanslot_minutes_5_to_720"),
            models.CheckConstraint(
                condition=Q(earliest__lte=F("start"), latest__gte=F("start")), name="careplanslot_start_in_window"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="careplanslot_until_after_from",
            ),
            models.CheckConstraint(
                condition=Q(days__len__gte=1, days__contained_by=[1, 2, 3, 4, 5, 6, 7]),
                name="careplanslot_days_iso_weekdays",
            ),
        ]
        indexes = [models.Index(fields=["provider", "valid_from"], name="rota_cps_prov_from")]

    def valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    @property
    def weekly_minutes(self) -> int:
        """Person-minutes a week (a two-carer visit is one person's time, twice the staff time)."""
        return self.minutes * len(self.days)


class Assignment(models.Model):
    """A care worker planned for a visit. Written only by rota.assignments (which checks the rules);
    a visit has at most `carers_required` of them."""

    provider = models.ForeignKey("commissioning.Organisation", on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey("rota.Visit", on_delete=models.CASCADE, related_name="assignments", db_index=False)
    worker = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="assignments")
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "commissioning.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "worker"], name="assignment_one_per_worker_per_visit")]

    def __str__(self) -> str:
        return f"{self.visit_id} / {self.worker_id}"


class Publication(models.Model):
    """A team's week made visible to its care workers. Publishing again moves `published_at`: the
    changes after it are the ones the board marks."""

    provider = models.ForeignKey("commissioning.Organisation", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("workforce.Team", on_delete=models.PROTECT, related_name="+")
    week = models.DateField()  # its Monday
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        "commissioning.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "week"], name="publication_one_per_team_week")]


class RotaChange(models.Model):
    """Something that changed in a care worker's published week, in words, for them and the board."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "Visit added"
        UNASSIGNED = "unassigned", "Visit taken off"
        VISIT_CHANGED = "visit_changed", "Visit changed"
        SHIFT_ADDED = "shift_added", "Shift added"
        SHIFT_CHANGED = "shift_changed", "Shift changed"

    provider = models.ForeignKey("commissioning.Organisation", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey("workforce.Worker", on_delete=models.CASCADE, related_name="+", db_index=False)
    week = models.DateField()
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    visit = models.ForeignKey("rota.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    summary = models.CharField(max_length=300)

    class Meta:
        indexes = [models.Index(fields=["worker", "at"], name="rota_change_worker_at")]


class RotaSeen(models.Model):
    """When a care worker last opened their rota: changes after it are new to them."""

    worker = models.OneToOneField("workforce.Worker", primary_key=True, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()


class AppRecord(models.Model):
    """What the care worker's phone recorded at a visit: a check-in or check-out (the attendance itself
    is in rota_attendance, method `app`) or "not at home" with a note; where it was, when the browser
    gave a location, and whether that was within 150 m of the person's home."""

    class Kind(models.TextChoices):
        CHECK_IN = "check_in", "Checked in"
        CHECK_OUT = "check_out", "Checked out"
        NOT_AT_HOME = "not_at_home", "Not at home"

    provider = models.ForeignKey("commissioning.Organisation", on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey("rota.Visit", on_delete=models.CASCADE, related_name="app_records")
    worker = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    accuracy_m = models.FloatField(null=True, blank=True)
    within_150m = models.BooleanField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True, default="")


class Acquaintance(models.Model):
    """Who has visited whom: per person and care worker, the last day they met (a check-in) in the 12
    weeks before `AcquaintanceRefresh.as_of` and their visits in its last 4 weeks. Derived data,
    refreshed per provider each night and on the first board of a day (rota/acquaintance.py): the
    board reads its people's rows by one index range instead of 12 weeks of attendances."""

    DERIVED = True  # read-only in the admin

    provider = models.ForeignKey(
        "commissioning.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    person = models.ForeignKey("outcomes.Person", on_delete=models.CASCADE, related_name="+", db_index=False)
    worker = models.ForeignKey("workforce.Worker", on_delete=models.CASCADE, related_name="+", db_index=False)
    last_met = models.DateField()
    visits_4w = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "worker"], name="acquaintance_one_per_pair")]
        indexes = [models.Index(fields=["provider"], name="rota_acq_provider")]


class AcquaintanceRefresh(models.Model):
    """The day a provider's acquaintances were worked out for (the 12 weeks before it)."""

    DERIVED = True

    provider = models.OneToOneField(
        "commissioning.Organisation", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    as_of = models.DateField()
    refreshed_at = models.DateTimeField(default=timezone.now)


class PlanProposal(models.Model):
    """A plan the rota planner proposes for a team's day (the board's "Plan unassigned visits" or
    "Re-plan the day"), worked out by the Celery worker; the coordinator applies or discards it.
    `result`: the day's plan by refs, the figures before and after, the moves and plan.json
    (rota/planning/proposals.py)."""

    class Mode(models.TextChoices):
        UNASSIGNED = "unassigned", "Plan unassigned visits"
        REPLAN = "replan", "Re-plan the day"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the planner"
        RUNNING = "running", "Planning"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        APPLIED = "applied", "Applied"
        DISCARDED = "discarded", "Discarded"

    provider = models.ForeignKey("commissioning.Organisation", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("workforce.Team", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    mode = models.CharField(max_length=20, choices=Mode.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    message = models.TextField(blank=True, default="")
    time_limit = models.FloatField(default=10)
    result = models.JSONField(null=True, blank=True)
    requested_by = models.ForeignKey(
        "commissioning.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(auto_now=True)
    decided_by = models.ForeignKey(
        "commissioning.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["team", "day"], name="rota_proposal_team_day")]
