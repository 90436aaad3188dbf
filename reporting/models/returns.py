"""Weekly monitoring returns. A draft can be recomputed; a submitted return never changes
(a database trigger refuses it); recomputing after late data makes a new version."""

from __future__ import annotations

import pghistory
import pgtrigger
from django.db import models
from django.db.models import Q
from django.utils import timezone


# Every sign-off: who submitted which version of which week (the figures themselves are frozen).
@pghistory.track(
    pghistory.UpdateEvent("signed_off", condition=pgtrigger.Q(old__status="draft", new__status="submitted")),
    fields=["provider", "contract", "week", "version", "status", "submitted_by"],
    model_name="WeeklyReturnEvent",
    obj_field=pghistory.ObjForeignKey(related_name="events"),
)
class WeeklyReturn(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        SUBMITTED = "submitted"

    provider = models.ForeignKey("commissioning.Organisation", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey("commissioning.Contract", on_delete=models.PROTECT, related_name="returns")
    week = models.CharField(max_length=8)  # ISO week, "2025-W35"
    week_start = models.DateField()  # its Monday
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    figures = models.JSONField()  # exactly "The return as data" (without version/status, added on output)
    changes = models.JSONField(default=list, blank=True)  # what differs from the previous version
    computed_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        "commissioning.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pdf = models.FileField(upload_to="returns/", blank=True)

    # Commissioners of a lot of the contract read what the provider has signed off, never drafts.
    TENANT_CONTRACT_PATH = "contract"
    TENANT_COMMISSIONER_SEES = Q(status="submitted")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contract", "week_start", "version"], name="return_unique_version"),
            # Two workers computing the same week at once still leave one draft.
            models.UniqueConstraint(
                fields=["contract", "week_start"], condition=Q(status="draft"), name="return_one_draft_per_week"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="submitted_return_is_not_deleted",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Q(old__status="submitted"),
            ),
            # The one change a submitted return accepts: the worker filling in its PDF once, after
            # sign-off (so the stored PDF says "submitted"), with every other column unchanged.
            # to_jsonb(row) - 'pdf' covers columns added later without editing this trigger.
            pgtrigger.Protect(
                name="submitted_return_is_immutable",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition(
                    "OLD.\"status\" = 'submitted' AND NOT (OLD.\"pdf\" = '' "
                    "AND (to_jsonb(NEW.*) - 'pdf') = (to_jsonb(OLD.*) - 'pdf'))"
                ),
            ),
        ]
        indexes = [models.Index(fields=["provider", "week_start"])]
        ordering = ["-week_start", "-version"]

    def __str__(self) -> str:
        return f"{self.contract.ref} {self.week} v{self.version}"


class ReturnRun(models.Model):
    """A requested (re)computation, so the user can watch its progress."""

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    provider = models.ForeignKey("commissioning.Organisation", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey("commissioning.Contract", on_delete=models.PROTECT, related_name="+")
    week_start = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    message = models.TextField(blank=True)
    result = models.ForeignKey(WeeklyReturn, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_by = models.ForeignKey(
        "commissioning.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(auto_now=True)

    # The provider's own work on its drafts: commissioners see no runs (no TENANT_* path).
