"""The REST API under /api/v1/: each app owns its urls module."""

from django.urls import include, path

urlpatterns = [
    path("", include("commissioning.api.urls")),
    path("", include("workforce.api.urls")),
    path("", include("outcomes.api.urls")),
    path("", include("rota.api.urls")),
    path("", include("reporting.api.urls")),
]
