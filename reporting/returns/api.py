"""REST endpoints for commissioners' systems (and providers): list, fetch (JSON/CSV/PDF), recompute,
watch a run. Scope comes from commissioning.tenancy through the selectors; another organisation's return
is a 404. Nothing here can change a submitted return: the only write is a recompute request."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from commissioning.models import Role
from commissioning.permissions import IsOrganisationMember, IsProvider, request_actor
from commissioning.tenancy import get_for_user
from homecare.api_errors import DomainError
from homecare.lib.exports import attachment, safe_filename
from reporting.returns import outputs, selectors, services
from reporting.returns.serializers import (
    ErrorsSerializer,
    RecomputeInputSerializer,
    ReturnDocumentSerializer,
    ReturnListQuerySerializer,
    ReturnSummarySerializer,
    RunSerializer,
)

VIEW_ROLES = {Role.PROVIDER_MANAGER, Role.COORDINATOR, Role.COMMISSIONER_OFFICER}
RECOMPUTE_ROLES = {Role.PROVIDER_MANAGER, Role.COORDINATOR}
NOT_FOUND = OpenApiResponse(ErrorsSerializer, description="Not found, or not yours")


def _has_role(request, roles) -> bool:
    """A token acts for its organisation (no roles); a logged-in user needs one of `roles`."""
    if request.auth is not None and getattr(request.auth, "organisation", None) is not None:
        return True
    return bool(getattr(request.user, "is_superuser", False) or set(getattr(request.user, "roles", None) or []) & roles)


class CanViewReturns(IsOrganisationMember):
    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and _has_role(request, VIEW_ROLES)


class CanRecompute(BasePermission):
    def has_permission(self, request, view) -> bool:
        return IsProvider().has_permission(request, view) and _has_role(request, RECOMPUTE_ROLES)


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data.encode() if isinstance(data, str) else data


class PDFRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class ReturnListApi(generics.ListAPIView):
    permission_classes = [CanViewReturns]
    serializer_class = ReturnSummarySerializer
    filter_backends: list = []

    @extend_schema(
        operation_id="returns_list",
        parameters=[ReturnListQuerySerializer],
        summary="Weekly returns you may see (commissioners: submitted returns under contracts they commission)",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = ReturnListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        return selectors.return_list(
            actor=request_actor(self.request),
            provider=q.get("provider"),
            contract=q.get("contract"),
            lot=q.get("lot"),
            week_from=q.get("week_from"),
            week_to=q.get("week_to"),
            status=q.get("status"),
            latest_only=q.get("latest", False),
        )


class ReturnDetailApi(APIView):
    """One return: JSON in the spec's shape, or CSV / PDF (`?format=`, a `.csv`/`.pdf` suffix or Accept)."""

    permission_classes = [CanViewReturns]
    renderer_classes = [JSONRenderer, CSVRenderer, PDFRenderer]

    @extend_schema(
        operation_id="returns_retrieve",
        responses={
            (200, "application/json"): ReturnDocumentSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="figure,lot,value rows"),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The stored PDF"),
            404: NOT_FOUND,
        },
    )
    def get(self, request, pk: int, format=None):
        wr = selectors.return_get(actor=request_actor(request), return_id=pk)
        fmt = request.accepted_renderer.format
        if fmt == "csv":
            response = Response(outputs.return_csv(wr))
            response["Content-Disposition"] = attachment(_filename(wr, "csv"))
            return response
        if fmt == "pdf":
            if not wr.pdf:
                services.return_pdf_request(weekly_return_id=wr.pk)
                raise DomainError("The PDF is being prepared; try again shortly.", status_code=404)
            with wr.pdf.open("rb") as f:
                response = Response(f.read())
            response["Content-Disposition"] = attachment(_filename(wr, "pdf"))
            return response
        return Response(outputs.return_json(wr))

    def finalize_response(self, request, response, *args, **kwargs):
        # Error bodies are always JSON {"errors": [...]}, whatever format was asked for.
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and renderer is not None and renderer.format in ("csv", "pdf"):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class ReturnRecomputeApi(APIView):
    permission_classes = [CanRecompute]

    @extend_schema(
        operation_id="returns_recompute",
        request=RecomputeInputSerializer,
        responses={202: RunSerializer, 400: ErrorsSerializer, 404: NOT_FOUND},
        summary="Queue a (re)computation of one week's return (providers only); watch it at runs/<id>/",
    )
    def post(self, request):
        data = RecomputeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actor = request_actor(request)
        contract = get_for_user(actor, selectors.contracts_for(actor), ref=data.validated_data["contract"])
        # The run records who asked; a token has no user, so the session user (if any) is recorded.
        user = request.user if getattr(request.user, "pk", None) else actor
        run = services.return_run_request(contract=contract, week_start=data.validated_data["week"], actor=user)
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunDetailApi(APIView):
    permission_classes = [CanViewReturns]

    @extend_schema(operation_id="returns_runs_retrieve", responses={200: RunSerializer, 404: NOT_FOUND})
    def get(self, request, pk: int):
        run = selectors.run_get(actor=request_actor(request), run_id=pk)
        return Response(RunSerializer(run).data)


def _filename(wr, ext: str) -> str:
    return safe_filename(f"return-{wr.provider.ref}-{wr.contract.ref}-{wr.week}-v{wr.version}", ext)
