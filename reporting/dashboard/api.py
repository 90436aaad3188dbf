"""GET /api/v1/dashboard/?week=2026-W47: the dashboard's figures for a commissioners' or providers'
system, the same as the page and its exports."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from commissioning.permissions import IsOrganisationMember, acts_with_role, request_actor
from homecare.api_errors import DomainError

from . import rules, selectors
from .views import VIEW_ROLES, parse_week


class KpiCellOutput(serializers.Serializer):
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    percent = serializers.CharField(allow_null=True, help_text="One decimal place; null with no data")
    target = serializers.CharField(help_text="The contract's target, e.g. 98.0")
    rag = serializers.ChoiceField(choices=list(rules.RAG))


class DashboardMeasuresOutput(serializers.Serializer):
    people_supported = serializers.IntegerField(allow_null=True, help_text="Measure 5 (the lot's)")
    care_plan_hours = serializers.CharField(allow_null=True, help_text="Measure 10 (the lot's)")
    delivered_hours = serializers.CharField(allow_null=True, help_text="Measure 6's delivered person-hours (the lot's)")
    travel_minutes_per_care_hour = serializers.CharField(allow_null=True, help_text="Measure 14 (the provider's)")
    sickness_percent = serializers.CharField(allow_null=True, help_text="Measure 16 (the provider's)")
    rolling_12_month_turnover = serializers.CharField(allow_null=True, help_text="Measure 17 (the provider's)")


class DashboardRowOutput(serializers.Serializer):
    provider = serializers.CharField(help_text="Provider ref")
    provider_name = serializers.CharField()
    contract = serializers.CharField(help_text="Contract ref")
    neighbourhood = serializers.CharField()
    lot = serializers.IntegerField()
    commissioner = serializers.CharField()
    return_status = serializers.ChoiceField(choices=list(rules.RETURN_STATUSES))
    return_due = serializers.DateTimeField(help_text="The last moment the return is on time")
    return_id = serializers.IntegerField(allow_null=True)
    return_version = serializers.IntegerField(allow_null=True)
    return_state = serializers.CharField(
        allow_null=True, help_text="draft or submitted: the version these figures are from"
    )
    submitted_at = serializers.DateTimeField(allow_null=True, help_text="When the week's return was first submitted")
    kpis = serializers.DictField(child=KpiCellOutput(), help_text='Keyed "1".."7"')
    measures = DashboardMeasuresOutput()


class DashboardOutput(serializers.Serializer):
    week = serializers.CharField(help_text="ISO week, e.g. 2026-W47")
    rows = DashboardRowOutput(many=True)


class DashboardErrors(serializers.Serializer):
    errors = serializers.ListField(child=serializers.DictField())


class CanViewDashboard(IsOrganisationMember):
    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and acts_with_role(request_actor(request), VIEW_ROLES)


class DashboardApi(APIView):
    permission_classes = [CanViewDashboard]

    @extend_schema(
        operation_id="dashboard_retrieve",
        summary="KPIs (red/amber/green against the contract's targets), return status and key measures per "
        "provider, contract and lot for a week (commissioners: submitted returns only)",
        parameters=[
            OpenApiParameter("week", str, description="ISO week, e.g. 2026-W47; the last complete week if left out")
        ],
        responses={200: DashboardOutput, 400: OpenApiResponse(DashboardErrors, description="A bad week")},
    )
    def get(self, request):
        week, error = parse_week(request.query_params.get("week"), default=selectors.last_complete_week())
        if error:
            raise DomainError([{"path": "week", "message": error}])
        actor = request_actor(request)
        rows = selectors.dashboard_rows(actor=actor, week_start=week)
        return Response(selectors.dashboard_document(rows, week))
