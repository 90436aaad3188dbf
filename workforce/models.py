"""Teams and care workers, and what happens to them: absence, training, surveys."""

from __future__ import annotations

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from homecare.models import ProviderOwned, unique_ref


class Team(ProviderOwned):
    neighbourhood = models.ForeignKey("commissioning.Neighbourhood", on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        constraints = [unique_ref("team")]


# Pay: the rate, the contract type and the guaranteed hours. "before_pay" keeps the old values (there
# is no insert event to compare with: a city's first load writes thousands of workers at once).
@pghistory.track(
    pghistory.UpdateEvent("pay"),
    pghistory.UpdateEvent("before_pay", row="OLD"),
    fields=["provider", "ref", "pay_rate", "contract_type", "contracted_weekly_hours"],
    model_name="WorkerPayEvent",
    obj_field=pghistory.ObjForeignKey(related_name="events"),
)
class Worker(ProviderOwned):
    class ContractType(models.TextChoices):
        ZERO_HOURS = "zero_hours"
        GUARANTEED_HOURS = "guaranteed_hours"
        SALARIED = "salaried"

    class TravelMode(models.TextChoices):
        WALK = "walk"
        CYCLE = "cycle"
        CAR = "car"
        PUBLIC = "public"

    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="workers")
    name = models.CharField(max_length=200, blank=True)
    started = models.DateField()
    left = models.DateField(null=True, blank=True)
    leaving_reason = models.CharField(max_length=200, null=True, blank=True)
    contract_type = models.CharField(max_length=20, choices=ContractType.choices)
    contracted_weekly_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    pay_rate = models.DecimalField(max_digits=8, decimal_places=2)
    skills = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    home_lat = models.FloatField(null=True, blank=True)
    home_lon = models.FloatField(null=True, blank=True)
    travel_mode = models.CharField(max_length=10, choices=TravelMode.choices, default=TravelMode.WALK)
    # The care worker's own login, when they have one.
    user = models.OneToOneField(
        "commissioning.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="worker"
    )

    class Meta:
        constraints = [
            unique_ref("worker"),
            models.CheckConstraint(
                condition=Q(left__isnull=True) | Q(left__gte=F("started")), name="worker_left_after_started"
            ),
            models.CheckConstraint(condition=Q(pay_rate__gte=0), name="worker_pay_rate_not_negative"),
        ]


class Absence(ProviderOwned):
    class Kind(models.TextChoices):
        SICKNESS = "sickness"
        HOLIDAY = "holiday"
        OTHER = "other"

    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="absences")
    start = models.DateField()
    end = models.DateField()  # inclusive
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        constraints = [
            unique_ref("absence"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="absence_end_after_start"),
        ]


class TrainingRecord(ProviderOwned):
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="training_records")
    course = models.CharField(max_length=200)
    date = models.DateField()
    hours = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        constraints = [
            unique_ref("trainingrecord"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="trainingrecord_hours_not_negative"),
        ]


class StaffSurvey(ProviderOwned):
    date = models.DateField()
    responses = models.PositiveIntegerField()
    mean_score = models.DecimalField(max_digits=4, decimal_places=2)

    class Meta:
        constraints = [
            unique_ref("staffsurvey"),
            models.CheckConstraint(
                condition=Q(mean_score__gte=1, mean_score__lte=5), name="staffsurvey_mean_score_1_to_5"
            ),
        ]
