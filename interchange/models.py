"""The one table the bundle owns: an uploaded bundle that the worker imports while its client polls
(POST /api/v1/bundles/import above HOMECARE_BUNDLE_SYNC_MAX_BYTES; docs/bundle.md). The rows it
imports belong to the other apps."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class BundleImport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    provider = models.ForeignKey("commissioning.Organisation", on_delete=models.PROTECT, related_name="+")
    # Who asked: the user, or the API token (its organisation is the provider).
    requested_by = models.ForeignKey(
        "commissioning.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.ForeignKey(
        "commissioning.ApiToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The uploaded file until the worker has imported it (then deleted: it holds people's data).
    upload = models.FileField(upload_to="bundle-imports/", blank=True)
    size = models.PositiveBigIntegerField()  # bytes
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    message = models.CharField(max_length=200, blank=True)
    counts = models.JSONField(null=True, blank=True)  # {list: {created, updated, unchanged}} when done
    errors = models.JSONField(null=True, blank=True)  # [{path, message}] when failed
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"bundle import {self.pk} ({self.status})"
