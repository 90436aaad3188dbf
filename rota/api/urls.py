from django.urls import path

from rota.api import views

urlpatterns = [
    path("ecm/attendances", views.AttendancesIngestApi.as_view(), name="ecm-attendances"),
]
