from django.urls import path

from outcomes.api import views

urlpatterns = [
    path("package-changes/", views.PackageChangeListApi.as_view(), name="api-package-changes"),
    path("package-changes/<int:pk>/", views.PackageChangeDetailApi.as_view(), name="api-package-change"),
    path("package-changes/<int:pk>/submit/", views.PackageChangeSubmitApi.as_view(), name="api-package-change-submit"),
    path(
        "package-changes/<int:pk>/decision/",
        views.PackageChangeDecisionApi.as_view(),
        name="api-package-change-decision",
    ),
    path("people/<str:ref>/", views.PersonApi.as_view(), name="api-person"),
    path("reviews/<int:pk>/complete/", views.ReviewCompleteApi.as_view(), name="api-review-complete"),
    path("outcome-assessments/", views.AssessmentCreateApi.as_view(), name="api-outcome-assessments"),
]
