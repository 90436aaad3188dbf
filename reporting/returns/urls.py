from django.urls import path

from reporting.returns import views

urlpatterns = [
    path("returns/", views.return_list, name="return_list"),
    path("returns/compute/", views.return_compute, name="return_compute"),
    path("returns/<int:pk>/", views.return_detail, name="return_detail"),
    path("returns/<int:pk>/records/<str:figure>/", views.return_records, name="return_records"),
    path("returns/<int:pk>/recompute/", views.return_recompute, name="return_recompute"),
    path("returns/<int:pk>/sign-off/", views.return_sign_off, name="return_sign_off"),
    path("returns/<int:pk>/return.pdf", views.return_pdf, name="return_pdf"),
    path("returns/<int:pk>/return.csv", views.return_csv, name="return_csv"),
    path("returns/<int:pk>/return.json", views.return_json, name="return_json"),
    path("returns/runs/<int:run_id>/", views.run_detail, name="return_run"),
    path("returns/runs/<int:run_id>/status.json", views.run_status, name="return_run_status"),
]
