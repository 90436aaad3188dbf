from django.urls import path

from outcomes.api import views

urlpatterns = [
    path("package-changes/", views.PackageChangeListApi.as_view(), name="package-changes"),
    path("package-changes/<int:pk>/", views.PackageChangeDetailApi.as_view(), name="package-change"),
    path("package-changes/<int:pk>/submit/", views.PackageChangeSubmitApi.as_view(), name="package-change-submit"),
    path(
        "package-changes/<int:pk>/decision/", views.PackageChangeDecisionApi.as_view(), name="package-change-decision"
    ),
    path("people/<str:ref>/", views.PersonApi.as_view(), name="person"),
    path("reviews/<int:pk>/complete/", views.ReviewCompleteApi.as_view(), name="review-complete"),
    path("outcome-assessments/", views.AssessmentCreateApi.as_view(), name="outcome-assessments"),
]
