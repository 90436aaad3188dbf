"""The REST API under /api/v1/: each app owns its urls module."""

from django.urls import include, path

urlpatterns = [
    path("", include("outcomes.api.urls")),
    path("", include("outcomes.referrals.api_urls")),
    path("", include("rota.api.urls")),
    path("", include("reporting.api.urls")),
    path("", include("interchange.api_urls")),
]
