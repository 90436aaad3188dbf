from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("trends/", views.trends_page, name="trends"),
    path("contracts/<str:ref>/", views.contract_position_page, name="contract_position"),
]
