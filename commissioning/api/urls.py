from django.urls import include, path

urlpatterns = [
    path("", include("commissioning.bundle.api_urls")),
]
