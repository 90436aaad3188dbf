from reporting.money.api_urls import urlpatterns as money_urls
from reporting.returns.api_urls import urlpatterns as returns_urls

urlpatterns = returns_urls + money_urls
