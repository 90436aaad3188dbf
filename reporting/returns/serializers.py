"""Input and output serializers of the returns API, one pair per endpoint. The return document itself
is produced by reporting.returns.outputs.return_json; its serializer here documents the shape."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from homecare.api_query import QuerySerializer
from homecare.api_schema import ErrorsSerializer  # noqa: F401 - the API's one error body, used by api.py
from homecare.lib.dates import iso_week, parse_iso_week
from reporting.models.returns import ReturnRun, WeeklyReturn


@extend_schema_field({"type": "string", "pattern": "^[0-9]{4}-W[0-9]{2}$", "example": "2025-W37"})
class IsoWeekField(serializers.CharField):
    """'2025-W37' in, the Monday of that week out."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return parse_iso_week(value)
        except ValueError:
            raise serializers.ValidationError("Enter an ISO week like 2025-W37.") from None


class ReturnListQuerySerializer(QuerySerializer):
    provider = serializers.CharField(required=False, help_text="Provider organisation ref")
    contract = serializers.CharField(required=False, help_text="Contract ref")
    lot = serializers.IntegerField(required=False, min_value=1, help_text="Lot number")
    week_from = IsoWeekField(required=False, help_text="First ISO week, e.g. 2025-W35 (inclusive)")
    week_to = IsoWeekField(required=False, help_text="Last ISO week, e.g. 2025-W39 (inclusive)")
    status = serializers.ChoiceField(choices=WeeklyReturn.Status.choices, required=False)
    latest = serializers.BooleanField(required=False, default=False, help_text="Only the latest version of each week")


class ReturnSummarySerializer(serializers.ModelSerializer):
    provider = serializers.CharField(source="provider.ref")
    contract = serializers.CharField(source="contract.ref")
    pdf_ready = serializers.SerializerMethodField()

    class Meta:
        model = WeeklyReturn
        fields = ["id", "provider", "contract", "week", "version", "status", "computed_at", "submitted_at", "pdf_ready"]
        read_only_fields = fields

    def get_pdf_ready(self, obj: WeeklyReturn) -> bool:
        return bool(obj.pdf)


class KpiSerializer(serializers.Serializer):
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    percent = serializers.CharField(allow_null=True, help_text="One decimal place; null when there is no data")
    target = serializers.CharField()
    met = serializers.BooleanField(allow_null=True)


class ReturnDocumentSerializer(serializers.Serializer):
    """ "The return as data" (docs/monitoring-return spec): measures keyed "1".."29", lots as "lot1", "lot2"."""

    provider = serializers.CharField()
    contract = serializers.CharField()
    week = serializers.CharField(help_text="ISO week, e.g. 2025-W37")
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=WeeklyReturn.Status.choices)
    kpis = serializers.DictField(child=KpiSerializer(), help_text='Keyed "1".."7"')
    measures = serializers.DictField(child=serializers.JSONField(), help_text='Keyed "1".."29"')


class RecomputeInputSerializer(serializers.Serializer):
    contract = serializers.CharField(help_text="Contract ref")
    week = IsoWeekField(help_text="ISO week, e.g. 2025-W37")


class RunSerializer(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.ref")
    week = serializers.SerializerMethodField()
    return_id = serializers.IntegerField(source="result_id", allow_null=True)

    class Meta:
        model = ReturnRun
        fields = ["id", "contract", "week", "state", "progress", "message", "return_id", "created", "updated"]
        read_only_fields = fields

    def get_week(self, obj: ReturnRun) -> str:
        return iso_week(obj.week_start)
