from django.urls import path, re_path

from reporting.returns import api

urlpatterns = [
    path("returns/", api.ReturnListApi.as_view(), name="returns-api-list"),
    path("returns/recompute", api.ReturnRecomputeApi.as_view(), name="returns-api-recompute"),
    path("returns/runs/<int:pk>/", api.RunDetailApi.as_view(), name="returns-api-run"),
    path("returns/<int:pk>/", api.ReturnDetailApi.as_view(), name="returns-api-detail"),
    # The same return with a format suffix: /api/v1/returns/12.csv, .pdf or .json.
    re_path(
        r"^returns/(?P<pk>\d+)\.(?P<format>csv|pdf|json)$",
        api.ReturnDetailApi.as_view(),
        name="returns-api-detail-format",
    ),
]
