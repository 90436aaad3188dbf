"""The data bundle (docs/spec/bundle-format.md) over REST."""

from django.urls import path

from . import api

urlpatterns = [
    path("bundles/import", api.BundleImportApi.as_view(), name="bundle-import"),
    path("bundles/imports/<int:pk>/", api.BundleImportStatusApi.as_view(), name="bundle-import-status"),
    path("bundles/export", api.BundleExportApi.as_view(), name="bundle-export"),
]
