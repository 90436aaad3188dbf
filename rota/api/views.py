"""ECM ingest over REST: POST /api/v1/ecm/attendances {"attendances": [...]}."""

from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import APIView

from commissioning.permissions import request_actor
from commissioning.tenancy import organisation_of
from homecare.api_errors import DomainError
from rota.permissions import CanIngestAttendances
from rota.services import IngestInvalid, attendances_ingest


class AttendancesIngestApi(APIView):
    permission_classes = [CanIngestAttendances]

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
