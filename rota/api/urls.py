from django.urls import path

from rota.api import board, views

urlpatterns = [
    path("ecm/attendances", views.AttendancesIngestApi.as_view(), name="ecm-attendances"),
    path("rota/board/", board.BoardApi.as_view(), name="rota-board-api"),
    path("rota/assignments/", board.AssignmentsApi.as_view(), name="rota-assignments-api"),
    path("rota/assignments/<int:pk>/", board.AssignmentApi.as_view(), name="rota-assignment-api"),
    path("rota/shifts/", board.ShiftsApi.as_view(), name="rota-shifts-api"),
    path("rota/publish/", board.PublishApi.as_view(), name="rota-publish-api"),
]
