from django.urls import path

from outcomes.views import changes, people, reviews

app_name = "outcomes"
urlpatterns = [
    path("people/", people.person_list, name="person-list"),
    path("people/<str:ref>/", people.person_detail, name="person-detail"),
    path("people/<str:ref>/assessments/new/", reviews.assessment_new, name="assessment-new"),
    path("packages/<str:ref>/changes/new/", changes.change_new, name="change-new"),
    path("packages/<str:ref>/reviews/new/", reviews.review_start, name="review-start"),
    path("changes/<int:pk>/", changes.change_detail, name="change-detail"),
    path("changes/<int:pk>/submit/", changes.change_submit, name="change-submit"),
    path("changes/<int:pk>/decision/", changes.change_decide, name="change-decide"),
    path("approvals/", changes.approvals, name="approvals"),
    path("reviews/", reviews.review_list, name="review-list"),
    path("reviews/<int:pk>/complete/", reviews.review_complete, name="review-complete"),
]
