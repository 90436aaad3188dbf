from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from homecare import views

urlpatterns = [
    path("", include("commissioning.home")),
    path("health/", views.health, name="health"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    # The referral workflow's code is outcomes' (accepting creates the person and the package); its
    # address is the commissioning one the issue fixed.
    path("commissioning/referrals/", include("outcomes.referrals.urls")),
    path("commissioning/", include("commissioning.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("rota/", include("rota.urls")),
    path("reporting/", include("reporting.urls")),
    path("api/v1/", include("homecare.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file of its own (?script): no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

# Under /api/ these answer with the API's JSON error body; elsewhere with Django's pages.
handler400 = "homecare.api_errors.bad_request"
handler403 = "homecare.api_errors.permission_denied"
handler404 = "homecare.api_errors.not_found"
handler500 = "homecare.api_errors.server_error"
