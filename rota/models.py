"""Shifts (block pay), visits to people, and attendances (electronic call monitoring)."""

from __future__ import annotations

import pghistory
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Func, Q

from homecare.models import ProviderOwned, unique_ref


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = models.DateTimeField()


class Shift(ProviderOwned):
    """The time a care worker is out at work. All of it is paid except the unpaid break."""

    # No index of its own: (provider, start) below starts with it (one index less to keep up on import).
    provider = models.ForeignKey(
        "commissioning.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Kind(models.TextChoices):
        CARE = "care"
        TRAINING = "training"
        MEETING = "meeting"

    # No index of its own: the GiST exclusion constraint below starts with worker_id and serves
    # `worker_id = x` look-ups (btree_gist; the foreign-key checks, joins from a worker id). Its opclass
    # compares bigint to bigint only: a bare integer literal (`worker_id = 5`) needs `5::bigint`.
    worker = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="shifts", db_index=False)
    start = models.DateTimeField()
    end = models.DateTimeField()
    unpaid_break_minutes = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CARE)

    class Meta:
        constraints = [
            unique_ref("shift"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="shift_end_after_start"),
            # One worker is never on two shifts at once: enforced by Postgres, not only by import checks.
            # Worker first: its GiST index also finds a worker's shifts over a span (shift totals).
            ExclusionConstraint(
                name="shift_no_overlap_per_worker",
                expressions=[("worker", RangeOperators.EQUAL), (TsTzRange("start", "end"), RangeOperators.OVERLAPS)],
            ),
        ]
        # Covering: the return reads four weeks of a provider's shifts (shift count, block-pay cost)
        # from the index alone.
        indexes = [
            models.Index(
                fields=["provider", "start"],
                include=["worker", "end", "unpaid_break_minutes"],
                name="rota_shift_prov_start_cov",
            )
        ]


# A visit's status (completed, missed, cancelled, ...): who changed it, from what to what. Updates
# only, with the old value in "before_status": millions of visits are inserted by imports.
@pghistory.track(
    pghistory.UpdateEvent("status"),
    pghistory.UpdateEvent("before_status", row="OLD"),
    fields=["provider", "ref", "status"],
    model_name="VisitStatusEvent",
    obj_field=pghistory.ObjForeignKey(related_name="events"),
)
class Visit(ProviderOwned):
    # No index of its own: (provider, planned_start) and (provider, ref) start with it.
    provider = models.ForeignKey(
        "commissioning.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Status(models.TextChoices):
        SCHEDULED = "scheduled"
        COMPLETED = "completed"
        CANCELLED_BY_PERSON = "cancelled_by_person"
        NOT_AT_HOME = "not_at_home"
        HOSPITAL = "hospital"
        CANCELLED_BY_PROVIDER = "cancelled_by_provider"
        MISSED = "missed"

    person = models.ForeignKey("outcomes.Person", on_delete=models.PROTECT, related_name="visits")
    # No index: nothing filters or orders visits by package; visits only join to their package by its id.
    package = models.ForeignKey(
        "outcomes.Package", null=True, blank=True, on_delete=models.PROTECT, related_name="visits", db_index=False
    )
    planned_start = models.DateTimeField()
    planned_end = models.DateTimeField()
    carers_required = models.PositiveSmallIntegerField(default=1)
    outside_home = models.BooleanField(default=False)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Made by rota_generate from this care plan slot (null: imported or added by hand). Indexed below
    # only where set, so a bundle's visits cost no index entry.
    slot = models.ForeignKey(
        "rota.CarePlanSlot", null=True, blank=True, on_delete=models.PROTECT, related_name="visits", db_index=False
    )
    # The team whose board lists the visit while nobody is planned for it (from its slot).
    team = models.ForeignKey(
        "workforce.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # Changed by a coordinator (time, length, carers): rota_generate leaves it alone from then on.
    # db_default: the bundle import inserts visits by SQL without naming this column.
    hand_edited = models.BooleanField(default=False, db_default=False)

    TENANT_LOT = ("person__contract", "person__lot")

    class Meta:
        constraints = [
            unique_ref("visit"),
            models.CheckConstraint(condition=Q(planned_end__gt=F("planned_start")), name="visit_end_after_start"),
            models.CheckConstraint(condition=Q(carers_required__in=[1, 2]), name="visit_carers_required_1_or_2"),
        ]
        # Covering (id, person): the return's travel figures map four weeks of attendances to their
        # people with an index-only range scan instead of one heap fetch per visit.
        indexes = [
            models.Index(
                fields=["provider", "planned_start"], include=["id", "person"], name="rota_visit_prov_start_cov"
            ),
            models.Index(
                fields=["slot", "planned_start"], condition=Q(slot__isnull=False), name="rota_visit_slot_start"
            ),
            models.Index(
                fields=["team", "planned_start"], condition=Q(team__isnull=False), name="rota_visit_team_start"
            ),
        ]


# "before_update" snapshots the OLD row, so a corrected ECM record keeps its previous values
# (the "update" event alone holds only the new ones; there is no insert event to diff against).
@pghistory.track(pghistory.UpdateEvent(), pghistory.DeleteEvent(), pghistory.UpdateEvent("before_update", row="OLD"))
class Attendance(models.Model):
    """One care worker at one visit, as electronic call monitoring saw it. Late or corrected
    records update the row; the audit trail keeps every earlier value."""

    class Method(models.TextChoices):
        APP = "app"
        PHONE = "phone"
        MANUAL = "manual"

    # No single-column indexes: each of these keys starts a wider index below, which serves its
    # look-ups (three indexes less to keep up for every attendance imported).
    provider = models.ForeignKey(
        "commissioning.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="attendances", db_index=False)
    worker = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="attendances", db_index=False)
    check_in = models.DateTimeField(null=True, blank=True)
    check_out = models.DateTimeField(null=True, blank=True)
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.APP)
    exception_code = models.CharField(max_length=50, null=True, blank=True)
    # The ECM system's own id for this record, so a resent batch updates rather than duplicates.
    external_id = models.CharField(max_length=100, null=True, blank=True)

    TENANT_LOT = ("visit__person__contract", "visit__person__lot")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit", "worker"], name="attendance_one_per_worker_per_visit"),
            # Partial: attendances without an external id (every one a bundle imports) get no entry.
            # Look-ups by external id say `external_id IS NOT NULL` so the planner can always match it.
            models.UniqueConstraint(
                fields=["provider", "external_id"],
                condition=Q(external_id__isnull=False),
                name="attendance_unique_external_id",
            ),
            models.CheckConstraint(
                condition=Q(check_out__isnull=True) | Q(check_in__isnull=False, check_out__gt=F("check_in")),
                name="attendance_check_out_after_check_in",
            ),
        ]
        # Covering: the return's travel figures read four weeks of a provider's attendances per worker
        # with an index-only range scan (no heap fetch per attendance).
        indexes = [
            models.Index(
                fields=["worker", "check_in"], include=["id", "visit", "check_out"], name="rota_att_worker_checkin_cov"
            )
        ]

    def __str__(self) -> str:
        return f"{self.visit.ref} / {self.worker.ref}"


class ShiftTotals(models.Model):
    """Measure 14's totals for one shift: its attendances, their staff contact time and the travel
    minutes between consecutive ones (docs/monitoring-return.md, "Travel"). Only shifts with
    attendances have a row.

    Derived data, never written by Python: statement-level triggers (rota/sql/shift_totals.sql)
    recompute a shift's row whenever its attendances, the shift itself, a visit's person, a person's
    home or a worker's travel mode change, on every write path (import, ECM ingest, admin). The weekly return then sums four weeks of these rows instead of re-reading
    four weeks of attendances."""

    DERIVED = True  # read-only in the admin: only the triggers write these rows

    shift = models.OneToOneField(
        Shift, primary_key=True, on_delete=models.CASCADE, db_constraint=False, related_name="totals"
    )
    # Copied from the shift so the return reads a provider's window from one covering index.
    provider = models.ForeignKey(
        "commissioning.Organisation", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    start = models.DateTimeField()
    attendances = models.PositiveIntegerField(default=0)
    contact = models.DurationField()
    travel_minutes = models.BigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "shift totals"
        indexes = [
            models.Index(
                fields=["provider", "start"],
                include=["attendances", "contact", "travel_minutes"],
                name="rota_shifttot_prov_start_cov",
            )
        ]


class VisitTotals(models.Model):
    """A visit's attendances summed up: how many carers have both check-in and check-out, and the
    longest attendance (the visit's delivered person-hours). Only visits with attendances have a row.

    Derived data, never written by Python: statement-level triggers (rota/sql/visit_totals.sql)
    recompute a visit's row whenever its attendances change and copy the visit's provider and
    planned start when those change. The weekly return reads a provider's week of these rows by one
    index range and hashes them against the week's visits, instead of looking up each visit's
    attendances."""

    DERIVED = True  # read-only in the admin: only the triggers write these rows

    visit = models.OneToOneField(
        Visit, primary_key=True, on_delete=models.CASCADE, db_constraint=False, related_name="totals"
    )
    # Copied from the visit so the return reads a provider's week from one covering index.
    provider = models.ForeignKey(
        "commissioning.Organisation", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    planned_start = models.DateTimeField()
    carers_done = models.PositiveSmallIntegerField(default=0)
    longest = models.DurationField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "visit totals"
        indexes = [
            models.Index(
                fields=["provider", "planned_start"],
                include=["visit", "carers_done", "longest"],
                name="rota_visittot_prov_start_cov",
            )
        ]


# The planning models (care plans, assignments, publishing) live in their own module.
from rota.plan_models import (  # noqa: E402, F401
    Acquaintance,
    AcquaintanceRefresh,
    AppRecord,
    Assignment,
    CarePlanSlot,
    PlanProposal,
    Publication,
    RotaChange,
    RotaSeen,
)
