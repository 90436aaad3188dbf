"""ECM ingest over REST: POST /api/v1/ecm/attendances {"attendances": [...]}.

The body is read only up to HOMECARE_ECM_MAX_BYTES and its records decoded one at a time, refused
at the first past HOMECARE_ECM_MAX_RECORDS (both 413, naming the setting): a batch too big costs
no more memory or time than the limits allow, however big it is."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from commissioning.permissions import request_actor
from commissioning.tenancy import organisation_of
from homecare.api_errors import DomainError
from homecare.api_parsers import ObjectWithListParser
from rota.api.serializers import AttendanceBatchInput, IngestCountsOutput
from rota.permissions import CanIngestAttendances
from rota.services import IngestInvalid, attendances_ingest


class AttendancesIngestApi(APIView):
    permission_classes = [CanIngestAttendances]
    parser_classes = [ObjectWithListParser]
    body_limit_setting = "HOMECARE_ECM_MAX_BYTES"
    list_key = "attendances"
    list_limit_setting = "HOMECARE_ECM_MAX_RECORDS"

    @extend_schema(
        operation_id="ecm_attendances_ingest",
        request=AttendanceBatchInput,
        responses={200: IngestCountsOutput},
        summary="Create or correct attendances by the ECM's external_id; all or nothing, every problem listed",
    )
    def post(self, request):
        actor = request_actor(request)
        body = request.data if isinstance(request.data, dict) else {}
        try:
            result = attendances_ingest(
                provider=organisation_of(actor), rows=body.get("attendances"), actor=request.user
            )
        except IngestInvalid as exc:
            raise DomainError(exc.errors) from None
        return Response(result.counts())
