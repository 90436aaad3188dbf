from django.urls import path

from reporting.money import views

urlpatterns = [
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/compute/", views.invoice_compute, name="invoice_compute"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/issue/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/credit-note/", views.invoice_credit_note, name="invoice_credit_note"),
    path("invoices/<int:pk>/invoice.json", views.invoice_json, name="invoice_json"),
    path("invoices/<int:pk>/lines.csv", views.invoice_lines_csv, name="invoice_lines_csv"),
    path("invoices/<int:pk>/detail.csv", views.invoice_detail_csv, name="invoice_detail_csv"),
    path("invoices/<int:pk>/invoice.pdf", views.invoice_pdf, name="invoice_pdf"),
]
urlpatterns += [
    path("pay/", views.pay_run_page, name="pay_run"),
    path("pay/pay-run.csv", views.pay_run_csv, name="pay_run_csv"),
    path("pay/shifts.csv", views.pay_shifts_csv, name="pay_shifts_csv"),
]
urlpatterns += [
    path("finance/", views.finance_page, name="finance"),
    path("finance/share/", views.finance_share, name="finance_share"),
]
