from django.urls import path

from rota import views

app_name = "rota"
urlpatterns = [
    path("ecm/upload/", views.ecm_upload, name="ecm-upload"),
    path("ecm/upload/confirm/", views.ecm_upload_confirm, name="ecm-upload-confirm"),
    path("packages/<int:pk>/history/", views.package_history, name="package-history"),
]
