from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from homecare import views

urlpatterns = [
    path("", include("commissioning.home")),
    path("health/", views.health, name="health"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("commissioning/", include("commissioning.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("rota/", include("rota.urls")),
    path("reporting/", include("reporting.urls")),
    path("api/v1/", include("homecare.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
