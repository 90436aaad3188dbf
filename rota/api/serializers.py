"""What the ECM endpoint takes and answers, for the OpenAPI schema. The records themselves are checked
by rota.services.attendances_ingest (every problem listed), not here: a batch is all or nothing."""

from __future__ import annotations

from rest_framework import serializers

from rota.services import METHODS


class AttendanceRecordInput(serializers.Serializer):
    external_id = serializers.CharField(min_length=1, max_length=100, help_text="The ECM system's own id")
    visit = serializers.CharField(min_length=1, max_length=100, help_text="The visit's ref")
    worker = serializers.CharField(min_length=1, max_length=100, help_text="The care worker's ref")
    check_in = serializers.DateTimeField(
        required=False, allow_null=True, help_text="ISO 8601; without an offset it is London wall time"
    )
    check_out = serializers.DateTimeField(required=False, allow_null=True, help_text="After check_in, within 12 hours")
    method = serializers.ChoiceField(choices=METHODS, required=False, allow_null=True, help_text="Default app")
    exception_code = serializers.CharField(required=False, allow_null=True, max_length=50)


class AttendanceBatchInput(serializers.Serializer):
    attendances = AttendanceRecordInput(
        many=True,
        help_text="At most HOMECARE_ECM_MAX_RECORDS (50,000) records; the body at most HOMECARE_ECM_MAX_BYTES",
    )


class IngestCountsOutput(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
