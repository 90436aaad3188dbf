from django.urls import path

from commissioning import views
from commissioning.setup.urls import urlpatterns as setup_urls

app_name = "commissioning"
urlpatterns: list = [
    path("users/", views.user_list, name="user-list"),
    path("users/invite/", views.user_invite, name="user-invite"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user-deactivate"),
    path("tokens/", views.token_list, name="token-list"),
    path("tokens/new/", views.token_issue, name="token-issue"),
    path("tokens/<int:pk>/issued/", views.token_issued, name="token-issued"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("system/", views.system_check, name="system-check"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/read/", views.notification_read_all, name="notification-read-all"),
    path("notifications/<int:pk>/", views.notification_open, name="notification-open"),
    path("audit/", views.audit_trail, name="audit-trail"),
    *setup_urls,
]
