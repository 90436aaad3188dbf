"""Input and output serializers of the outcomes API. Field names are the bundle's
(docs/spec/bundle-format.md, `package_changes`, `reviews`, `outcome_assessments`), with references
as refs; inputs are optional at the type level so the service can list every problem at once."""

from __future__ import annotations

from rest_framework import serializers

from homecare.api_query import QuerySerializer
from outcomes.models import OutcomeAssessment, PackageChange, Review


class PackageChangeSerializer(serializers.ModelSerializer):
    package = serializers.CharField(source="package.ref")
    person = serializers.CharField(source="package.person.ref")
    provider = serializers.CharField(source="provider.ref")
    status = serializers.ChoiceField(choices=PackageChange.Status.choices, help_text="The workflow's state")
    new_weekly_hours = serializers.DecimalField(max_digits=7, decimal_places=2)

    class Meta:
        model = PackageChange
        fields = [
            "id",
            "ref",
            "package",
            "person",
            "provider",
            "effective",
            "new_weekly_hours",
            "by",
            "reason",
            "consent_by",
            "consent_date",
            "note",
            "submitted_for_approval",
            "decision",
            "decided",
            "decision_reason",
            "prior_approval",
            "requested_effective",
            "status",
        ]
        read_only_fields = fields


class PackageChangeInputSerializer(serializers.Serializer):
    package = serializers.CharField(required=False, help_text="The package's ref")
    provider = serializers.CharField(
        required=False, help_text="The provider's ref, when a commissioner sees two packages with this ref"
    )
    effective = serializers.DateField(required=False, help_text="From 7 days ago to 28 days ahead")
    new_weekly_hours = serializers.DecimalField(
        max_digits=9,
        decimal_places=4,
        required=False,
        min_value=0,
        max_value=168,
        error_messages={
            "min_value": "Weekly hours cannot be below 0.",
            "max_value": "Weekly hours cannot be more than 168 (every hour of the week).",
        },
    )
    by = serializers.ChoiceField(
        choices=PackageChange.By.choices,
        required=False,
        help_text="Optional: follows from who acts (a provider, or a social worker of the lot's commissioner)",
    )
    reason = serializers.ChoiceField(choices=PackageChange.Reason.choices, required=False)
    consent_by = serializers.ChoiceField(choices=PackageChange.ConsentBy.choices, required=False)
    consent_date = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PackageChangeQuerySerializer(QuerySerializer):
    package = serializers.CharField(required=False, help_text="Package ref")
    person = serializers.CharField(required=False, help_text="Person ref")
    status = serializers.ChoiceField(choices=PackageChange.Status.choices, required=False)


class DecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approved", "approved"), ("rejected", "rejected")], required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.ModelSerializer):
    package = serializers.CharField(source="package.ref")
    assessment = serializers.CharField(source="assessment.ref", default=None)

    class Meta:
        model = Review
        fields = [
            "id",
            "ref",
            "package",
            "kind",
            "due",
            "completed",
            "progress",
            "outcomes_opted_out",
            "assessment",
            "notes",
        ]
        read_only_fields = fields


def _score() -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=5,
        error_messages={"min_value": "The score must be from 1 to 5.", "max_value": "The score must be from 1 to 5."},
        help_text="1 (not at all satisfied) to 5 (completely), as the person rates it",
    )


class ReviewCompleteInputSerializer(serializers.Serializer):
    completed = serializers.DateField(required=False)
    wellbeing_independence = _score()
    home = _score()
    community = _score()
    opted_out = serializers.BooleanField(required=False, default=False)
    progress = serializers.BooleanField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewCompletedSerializer(serializers.Serializer):
    review = ReviewSerializer()
    next_review = ReviewSerializer(allow_null=True)


class AssessmentSerializer(serializers.ModelSerializer):
    person = serializers.CharField(source="person.ref")

    class Meta:
        model = OutcomeAssessment
        fields = ["id", "ref", "person", "date", "wellbeing_independence", "home", "community"]
        read_only_fields = fields


class AssessmentInputSerializer(serializers.Serializer):
    person = serializers.CharField(required=False, help_text="The person's ref")
    provider = serializers.CharField(required=False, help_text="The provider's ref, when the person's ref is ambiguous")
    date = serializers.DateField(required=False)
    wellbeing_independence = _score()
    home = _score()
    community = _score()


class LedgerStepSerializer(serializers.Serializer):
    package = serializers.CharField()
    start = serializers.DateField(help_text="From this day on")
    hours = serializers.DecimalField(max_digits=7, decimal_places=2)
    event = serializers.ChoiceField(choices=["start", "change", "reverted"])
    change = serializers.CharField(allow_null=True, help_text="The change's ref")


class PackageSummarySerializer(serializers.Serializer):
    ref = serializers.CharField()
    lot = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)
    planned_weekly_hours = serializers.DecimalField(max_digits=7, decimal_places=2, help_text="At the start")
    hours_now = serializers.DecimalField(max_digits=7, decimal_places=2, help_text="Today, with every change in force")
    review_due = serializers.DateField(allow_null=True)


class PersonSerializer(serializers.Serializer):
    ref = serializers.CharField()
    provider = serializers.CharField()
    contract = serializers.CharField()
    lot = serializers.IntegerField()
    name = serializers.CharField()
    outcomes_opt_out = serializers.BooleanField()
    packages = PackageSummarySerializer(many=True)
    ledger = LedgerStepSerializer(many=True)
    changes = PackageChangeSerializer(many=True)
    reviews = ReviewSerializer(many=True)
    assessments = AssessmentSerializer(many=True)
