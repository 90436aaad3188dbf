"""REST for commissioners' finance systems (and providers): list and fetch invoices as JSON, CSV of
lines, CSV of the visit-level detail and the stored PDF. Read-only: an issued invoice never changes,
so there is nothing to write here; another organisation's invoice is a 404."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from commissioning.permissions import IsOrganisationMember, request_actor
from commissioning.tenancy import is_commissioner
from homecare.api_query import QuerySerializer
from homecare.lib.exports import file_response
from reporting.models.money import Invoice
from reporting.money import outputs, selectors


def _has_role(request) -> bool:
    """A token acts for its organisation (no roles); a logged-in user needs a finance role."""
    if request.auth is not None and getattr(request.auth, "organisation", None) is not None:
        return True
    user = request.user
    return bool(getattr(user, "is_superuser", False) or set(getattr(user, "roles", None) or []) & selectors.VIEW_ROLES)


class CanViewInvoices(IsOrganisationMember):
    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and _has_role(request)


class InvoiceListQuery(QuerySerializer):
    provider = serializers.CharField(required=False)
    contract = serializers.CharField(required=False)
    lot = serializers.IntegerField(required=False, min_value=1)
    period = serializers.DateField(required=False, help_text="a date inside the settlement period")
    status = serializers.ChoiceField(choices=Invoice.Status.choices, required=False)
    kind = serializers.ChoiceField(choices=Invoice.Kind.choices, required=False)


class InvoiceOutput(serializers.ModelSerializer):
    provider = serializers.CharField(source="provider.ref")
    commissioner = serializers.CharField(source="commissioner.ref")
    contract = serializers.CharField(source="contract.ref")
    lot = serializers.IntegerField(source="lot.number")
    credit_for = serializers.CharField(source="credit_for.number", default=None, allow_null=True)
    invoice = serializers.JSONField(source="data")

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "kind",
            "status",
            "provider",
            "commissioner",
            "contract",
            "lot",
            "period_start",
            "period_end",
            "total",
            "credit_for",
            "issued_at",
            "invoice",
        ]


class InvoiceListApi(generics.ListAPIView):
    permission_classes = [CanViewInvoices]
    serializer_class = InvoiceOutput
    filter_backends: list = []

    @extend_schema(operation_id="invoices_list", parameters=[InvoiceListQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        query = InvoiceListQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.invoice_list(actor=request_actor(self.request), **query.validated_data)


class InvoiceDetailApi(APIView):
    permission_classes = [CanViewInvoices]

    @extend_schema(operation_id="invoices_retrieve", responses={200: InvoiceOutput})
    def get(self, request, pk: int):
        return Response(InvoiceOutput(selectors.invoice_get(actor=request_actor(request), pk=pk)).data)


CSV = {(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV, a header row first")}


class InvoiceLinesCsvApi(APIView):
    permission_classes = [CanViewInvoices]

    @extend_schema(operation_id="invoices_lines_csv", responses=CSV, summary="The invoice's lines as CSV")
    def get(self, request, pk: int):
        invoice = selectors.invoice_get(actor=request_actor(request), pk=pk)
        return csv_response(outputs.lines_csv(invoice), outputs.file_stem(invoice))


class InvoiceDetailCsvApi(APIView):
    permission_classes = [CanViewInvoices]

    @extend_schema(operation_id="invoices_detail_csv", responses=CSV, summary="The visit-level detail as CSV")
    def get(self, request, pk: int):
        invoice = selectors.invoice_get(actor=request_actor(request), pk=pk)
        csv = outputs.detail_csv(invoice, name_workers=not is_commissioner(request_actor(request)))
        return csv_response(csv, f"{outputs.file_stem(invoice)}-detail")


class InvoicePdfApi(APIView):
    permission_classes = [CanViewInvoices]

    @extend_schema(
        operation_id="invoices_pdf",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The stored PDF")},
        summary="The stored PDF (404 until the worker has rendered it)",
    )
    def get(self, request, pk: int):
        invoice = selectors.invoice_get(actor=request_actor(request), pk=pk)
        return pdf_response(invoice)


def csv_response(text: str, stem: str) -> HttpResponse:
    """`stem`.csv as a download (the filename made of safe characters only)."""
    return file_response(text, stem, "csv")


def pdf_response(invoice: Invoice) -> HttpResponse:
    """Serve the stored PDF; it is rendered in the worker, so until then there is none (404)."""
    if not invoice.pdf:
        raise Http404("the PDF has not been rendered yet")
    with invoice.pdf.open("rb") as fh:
        return file_response(fh.read(), outputs.file_stem(invoice), "pdf", inline=True)
