"""The bundle over REST: POST /api/v1/bundles/import and GET /api/v1/bundles/export."""

from __future__ import annotations

import io
from datetime import date

from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FileUploadParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from commissioning.models import Lot, Organisation, Role
from commissioning.permissions import request_actor
from commissioning.tenancy import organisation_of
from homecare.api_errors import DomainError
from homecare.lib.exports import attachment, safe_filename

from .exporter import export_bundle
from .importer import BundleInvalid, import_bundle

IMPORT_ROLES = frozenset({Role.PROVIDER_MANAGER})
EXPORT_ROLES = frozenset({Role.PROVIDER_MANAGER, Role.COORDINATOR, Role.COMMISSIONER_OFFICER})


class _Roles(BasePermission):
    """Tokens act for their organisation; users need one of the view's roles."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if organisation_of(request.auth) is not None:
            return view.token_allowed(organisation_of(request.auth))
        return organisation_of(user) is not None and user.has_role(*view.roles)


class _RawBody(JSONParser):
    """Keep the JSON body unparsed: the importer streams it (a city's bundle is large)."""

    def parse(self, stream, media_type=None, parser_context=None):
        return stream


class BundleImportApi(APIView):
    parser_classes = [_RawBody, MultiPartParser, FileUploadParser]
    permission_classes = [_Roles]
    roles = IMPORT_ROLES

    @staticmethod
    def token_allowed(org) -> bool:
        return org.is_provider

    @extend_schema(
        operation_id="bundles_import",
        request={
            "application/json": {
                "type": "object",
                "description": "A data bundle (docs/spec/bundle-format.md; JSON Schema in interchange/schema.json)",
                "additionalProperties": True,
            },
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            },
        },
        responses={
            200: inline_serializer(
                "BundleImportCounts",
                {"counts": serializers.DictField(child=serializers.IntegerField(), help_text="Rows per list")},
            )
        },
        summary="Import a bundle of your own provider's data: all or nothing, every problem listed",
    )
    def post(self, request):
        actor = request_actor(request)
        if not organisation_of(actor).is_provider:
            raise DomainError("only a provider imports a bundle", status_code=403)
        data = request.data
        if hasattr(data, "get") and data.get("file") is not None:
            source = data.get("file")
        elif hasattr(data, "read"):
            source = data
        else:
            source = io.BytesIO(request.body)
        try:
            counts = import_bundle(source, actor=actor)
        except BundleInvalid as exc:
            raise DomainError(exc.errors) from None
        except PermissionError as exc:
            raise DomainError(str(exc), status_code=403) from None
        return Response({"counts": counts})


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DomainError([{"path": name, "message": "not a date (YYYY-MM-DD)"}]) from None


class BundleExportApi(APIView):
    permission_classes = [_Roles]
    roles = EXPORT_ROLES

    @staticmethod
    def token_allowed(org) -> bool:
        return True

    @extend_schema(
        operation_id="bundles_export",
        parameters=[
            OpenApiParameter("provider", str, required=True, description="Provider ref"),
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day of the visits and shifts (YYYY-MM-DD)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (YYYY-MM-DD)"),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="The bundle (interchange/schema.json)"
            )
        },
        summary="Export a provider's data as a bundle (commissioners: only under contracts they commission)",
    )
    def get(self, request):
        actor = request_actor(request)
        org = organisation_of(actor)
        provider = Organisation.objects.filter(kind="provider", ref=request.query_params.get("provider", "")).first()
        if provider is None:
            raise Http404
        if org.is_provider:
            if provider.pk != org.pk:
                raise Http404  # another provider's data does not exist for you
        elif not Lot.objects.filter(contract__provider=provider, commissioner=org).exists():
            raise Http404
        date_from = _date(request.query_params.get("from"), "from")
        date_to = _date(request.query_params.get("to"), "to")
        # A commissioner's export holds only what tenancy lets it read (the exporter's docstring).
        pieces = export_bundle(provider_id=provider.pk, date_from=date_from, date_to=date_to, actor=actor)
        response = StreamingHttpResponse(pieces, content_type="application/json")
        response["Content-Disposition"] = attachment(safe_filename(f"bundle-{provider.ref}", "json"))
        return response
