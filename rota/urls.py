from django.urls import path

from rota import careplan_views, views

app_name = "rota"
urlpatterns = [
    path("ecm/upload/", views.ecm_upload, name="ecm-upload"),
    path("ecm/upload/confirm/", views.ecm_upload_confirm, name="ecm-upload-confirm"),
    path("packages/<int:pk>/history/", views.package_history, name="package-history"),
    # Care plans
    path("care-plans/", careplan_views.care_plan_list, name="care-plans"),
    path("packages/<int:pk>/care-plan/", careplan_views.care_plan_detail, name="care-plan"),
    path("packages/<int:pk>/care-plan/add/", careplan_views.slot_add, name="care-plan-slot-add"),
    path("care-plan/slots/<int:pk>/change/", careplan_views.slot_change, name="care-plan-slot-change"),
    path("care-plan/slots/<int:pk>/end/", careplan_views.slot_end, name="care-plan-slot-end"),
]
