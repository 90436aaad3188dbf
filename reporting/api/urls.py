from django.urls import path

from reporting.dashboard.api import DashboardApi
from reporting.money.api_urls import urlpatterns as money_urls
from reporting.returns.api_urls import urlpatterns as returns_urls

urlpatterns = [
    *returns_urls,
    *money_urls,
    path("dashboard/", DashboardApi.as_view(), name="dashboard-api"),
]
