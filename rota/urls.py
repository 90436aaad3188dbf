from django.urls import path

from rota import board_views, careplan_views, my_views, views
from rota.planning import views as plan_views

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
    # The rota board
    path("board/", board_views.board, name="board"),
    path("board/week/", board_views.board_week, name="board-week"),
    path("board/shifts/add/", board_views.shift_add, name="shift-add"),
    path("board/publish/", board_views.publish, name="publish"),
    path("board/generate/", board_views.generate, name="generate"),
    path("shifts/<int:pk>/edit/", board_views.shift_edit, name="shift-edit"),
    path("visits/<int:pk>/assign/", board_views.visit_assign, name="visit-assign"),
    path("visits/<int:pk>/time/", board_views.visit_time, name="visit-time"),
    path("assignments/<int:pk>/remove/", board_views.assignment_remove, name="assignment-remove"),
    # The planner on the board
    path("board/plan/", plan_views.plan, name="plan"),
    path("plans/<int:pk>/", plan_views.proposal, name="proposal"),
    path("plans/<int:pk>/status/", plan_views.proposal_status, name="proposal-status"),
    path("plans/<int:pk>/apply/", plan_views.apply, name="proposal-apply"),
    path("plans/<int:pk>/discard/", plan_views.discard, name="proposal-discard"),
    # The care worker's day
    path("my/", my_views.my_rota, name="my"),
    path("my/visits/<int:pk>/check-in/", my_views.check_in, name="my-check-in"),
    path("my/visits/<int:pk>/check-out/", my_views.check_out, name="my-check-out"),
    path("my/visits/<int:pk>/not-at-home/", my_views.not_at_home, name="my-not-at-home"),
]
