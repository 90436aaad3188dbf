from django.urls import path

from reporting.money import api

urlpatterns = [
    path("invoices/", api.InvoiceListApi.as_view(), name="invoices-api-list"),
    path("invoices/<int:pk>/", api.InvoiceDetailApi.as_view(), name="invoices-api-detail"),
    path("invoices/<int:pk>/lines.csv", api.InvoiceLinesCsvApi.as_view(), name="invoices-api-lines-csv"),
    path("invoices/<int:pk>/detail.csv", api.InvoiceDetailCsvApi.as_view(), name="invoices-api-detail-csv"),
    path("invoices/<int:pk>/invoice.pdf", api.InvoicePdfApi.as_view(), name="invoices-api-pdf"),
]
