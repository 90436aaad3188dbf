"""Input and output serializers of the rota board's API, one set per endpoint. Outputs document the
shape in the OpenAPI schema; the board's JSON itself is built by rota.api.board.board_json."""

from __future__ import annotations

from rest_framework import serializers

from homecare.lib.dates import parse_iso_week
from rota.models import Shift


class IsoWeekField(serializers.CharField):
    """'2026-W50' in, the Monday of that week out."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return parse_iso_week(value)
        except ValueError:
            raise serializers.ValidationError("Enter an ISO week like 2026-W50.") from None


# ---- board
class BoardQuerySerializer(serializers.Serializer):
    team = serializers.CharField(help_text="Team ref")
    date = serializers.DateField(help_text="The day, YYYY-MM-DD")


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="e.g. overlap, absent, outside_shift, skill_missing, travel, new_to_person")
    message = serializers.CharField()
    kind = serializers.ChoiceField(choices=["refusal", "warning", "info"])
    worker = serializers.CharField(help_text="The care worker it is about")


class ShiftOutSerializer(serializers.Serializer):
    ref = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    unpaid_break_minutes = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Shift.Kind.choices)


class BoardWorkerSerializer(serializers.Serializer):
    ref = serializers.CharField()
    name = serializers.CharField()
    absent = serializers.BooleanField()
    travel_mode = serializers.CharField()
    week_hours = serializers.DecimalField(max_digits=6, decimal_places=1)
    contact_minutes = serializers.IntegerField()
    travel_minutes = serializers.IntegerField()
    paid_minutes = serializers.IntegerField()
    shifts = ShiftOutSerializer(many=True)
    visits = serializers.ListField(child=serializers.CharField(), help_text="Visit refs in time order")


class AssignmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    worker = serializers.CharField()


class BoardVisitSerializer(serializers.Serializer):
    ref = serializers.CharField()
    person = serializers.CharField()
    planned_start = serializers.DateTimeField()
    planned_end = serializers.DateTimeField()
    carers_required = serializers.IntegerField()
    status = serializers.CharField()
    outside_home = serializers.BooleanField()
    earliest_start = serializers.DateTimeField()
    latest_start = serializers.DateTimeField()
    skills = serializers.ListField(child=serializers.CharField())
    tasks = serializers.CharField()
    workers = serializers.ListField(child=serializers.CharField())
    assignments = AssignmentRefSerializer(many=True)
    warnings = FindingSerializer(many=True)
    changed_since_published = serializers.BooleanField()
    continuity = serializers.DictField(help_text="workers (4 weeks), top_share (3 most frequent), visits")


class BoardSerializer(serializers.Serializer):
    team = serializers.CharField()
    date = serializers.DateField()
    workers = BoardWorkerSerializer(many=True)
    visits = BoardVisitSerializer(many=True)
    unassigned = serializers.ListField(child=serializers.CharField(), help_text="Visits still needing a carer")
    figures = serializers.DictField()
    published = serializers.DictField(allow_null=True, help_text="published_at and changes_since, or null")


# ---- assignments
class AssignmentInSerializer(serializers.Serializer):
    visit = serializers.CharField(help_text="Visit ref")
    worker = serializers.CharField(help_text="Care worker ref")
    replacing = serializers.IntegerField(
        required=False, help_text="Move: the id of the visit's assignment this one replaces (refused: it stays)"
    )


class AssignmentRefOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    visit = serializers.CharField()
    worker = serializers.CharField()


class AssignmentOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    visit = serializers.CharField()
    worker = serializers.CharField()
    warnings = FindingSerializer(many=True)


# ---- shifts
class ShiftInSerializer(serializers.Serializer):
    worker = serializers.CharField(help_text="Care worker ref")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    unpaid_break_minutes = serializers.IntegerField(min_value=0, max_value=240, default=0)
    kind = serializers.ChoiceField(choices=Shift.Kind.choices, default=Shift.Kind.CARE)
    ref = serializers.CharField(required=False, max_length=100, help_text="Optional; made up when left out")


class ShiftPatchSerializer(serializers.Serializer):
    ref = serializers.CharField(help_text="The shift to change")
    start = serializers.DateTimeField(required=False)
    end = serializers.DateTimeField(required=False)
    unpaid_break_minutes = serializers.IntegerField(min_value=0, max_value=240, required=False)
    kind = serializers.ChoiceField(choices=Shift.Kind.choices, required=False)


class ShiftSerializer(serializers.Serializer):
    ref = serializers.CharField()
    worker = serializers.CharField(source="worker.ref")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    unpaid_break_minutes = serializers.IntegerField()
    kind = serializers.CharField()


# ---- publishing
class PublishInSerializer(serializers.Serializer):
    team = serializers.CharField(help_text="Team ref")
    week = IsoWeekField(help_text="ISO week, e.g. 2026-W50")


class PublishOutSerializer(serializers.Serializer):
    team = serializers.CharField()
    week = serializers.CharField()
    published_at = serializers.DateTimeField()
