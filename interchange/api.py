"""The bundle over REST: POST /api/v1/bundles/import (and GET /api/v1/bundles/imports/<id>/ for one the
worker runs) and GET /api/v1/bundles/export."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.http import Http404, StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FileUploadParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from commissioning.models import Lot, Organisation, Role
from commissioning.permissions import request_actor
from commissioning.tenancy import organisation_of
from homecare.api_errors import DomainError
from homecare.lib.exports import attachment, safe_filename

from . import uploads
from .exporter import export_bundle
from .importer import BundleInvalid, import_bundle
from .models import BundleImport
from .selectors import bundle_import_get
from .services import bundle_import_request

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


_ERROR = inline_serializer("BundleImportError", {"path": serializers.CharField(), "message": serializers.CharField()})
IMPORT_JOB = inline_serializer(
    "BundleImportJob",
    {
        "id": serializers.IntegerField(),
        "url": serializers.CharField(),
        "status": serializers.ChoiceField(choices=[s.value for s in BundleImport.Status]),
        "progress": serializers.IntegerField(min_value=0, max_value=100),
        "message": serializers.CharField(),
        "size": serializers.IntegerField(help_text="bytes"),
        "created": serializers.DateTimeField(),
        "updated": serializers.DateTimeField(),
        "counts": serializers.DictField(
            child=serializers.DictField(child=serializers.IntegerField()), allow_null=True, help_text="When done"
        ),
        "errors": serializers.ListField(child=_ERROR, allow_null=True, help_text="When failed"),
    },
)


class BundleImportApi(APIView):
    """A bundle up to HOMECARE_BUNDLE_SYNC_MAX_BYTES is imported while the client waits: 200 with
    the counts or 400 with every error. A bigger one (up to HOMECARE_BUNDLE_UPLOAD_MAX_BYTES, else
    413) is imported by the worker: 202 with the job to poll (BundleImportStatusApi). Either way the
    body goes to disk as it arrives (uploads.py)."""

    parser_classes = [_RawBody, MultiPartParser, FileUploadParser]
    permission_classes = [_Roles]
    roles = IMPORT_ROLES
    body_limit_setting = uploads.SETTING  # read by uploads.py itself, not by a parser

    @staticmethod
    def token_allowed(org) -> bool:
        return org.is_provider

    def initial(self, request, *args, **kwargs):
        if request.method == "POST":
            uploads.prepare(request)  # before authentication: a session's CSRF check reads a form body
        super().initial(request, *args, **kwargs)

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
            ),
            202: OpenApiResponse(
                IMPORT_JOB,
                description="A bundle over HOMECARE_BUNDLE_SYNC_MAX_BYTES: the worker imports it; poll `url`",
            ),
        },
        summary="Import a bundle of your own provider's data: all or nothing, every problem listed",
    )
    def post(self, request):
        actor = request_actor(request)
        if not organisation_of(actor).is_provider:
            raise DomainError("only a provider imports a bundle", status_code=403)
        upload = uploads.receive(request)
        if upload is None:
            raise DomainError([{"path": "file", "message": "a multipart upload needs the bundle in `file`"}])
        with upload:
            if upload.size > settings.HOMECARE_BUNDLE_SYNC_MAX_BYTES:
                try:
                    job = bundle_import_request(upload=upload, actor=actor)
                except PermissionError as exc:
                    raise DomainError(str(exc), status_code=403) from None
                body = import_json(job)
                return Response(body, status=202, headers={"Location": body["url"]})
            try:
                counts = import_bundle(upload, actor=actor)
            except BundleInvalid as exc:
                raise DomainError(exc.errors) from None
            except PermissionError as exc:
                raise DomainError(str(exc), status_code=403) from None
        return Response({"counts": counts})


def import_json(job: BundleImport) -> dict:
    return {
        "id": job.pk,
        "url": reverse("bundle-import-status", kwargs={"pk": job.pk}),
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "size": job.size,
        "created": job.created.isoformat(),
        "updated": job.updated.isoformat(),
        "counts": job.counts,
        "errors": job.errors,
    }


class _InAnOrganisation(BasePermission):
    def has_permission(self, request, view) -> bool:
        return organisation_of(request_actor(request)) is not None


class BundleImportStatusApi(APIView):
    """A bundle import the worker runs: status (queued, running, done, failed), progress in percent,
    and the counts when done or every error when failed. Another organisation's job is a 404; in the
    provider's own, those who may import (its managers and tokens) see it."""

    permission_classes = [_InAnOrganisation]

    @extend_schema(
        operation_id="bundles_imports_retrieve",
        responses={200: IMPORT_JOB},
        summary="A bundle import the worker runs: status, progress, and the counts or every error",
    )
    def get(self, request, pk: int):
        actor = request_actor(request)
        job = bundle_import_get(actor=actor, import_id=pk)
        if request.auth is None and not actor.has_role(*IMPORT_ROLES):
            raise PermissionDenied
        return Response(import_json(job))


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
