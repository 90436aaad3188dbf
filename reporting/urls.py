from reporting.dashboard.urls import urlpatterns as dashboard_urls
from reporting.money.urls import urlpatterns as money_urls
from reporting.returns.urls import urlpatterns as returns_urls

app_name = "reporting"
urlpatterns = returns_urls + money_urls + dashboard_urls
