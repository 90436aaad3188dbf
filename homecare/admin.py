"""The admin site: login goes through allauth, so MFA and rate limits apply to the admin too.
Each app registers its models, scoped, through commissioning.scoped_admin."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "homecare administration"
admin.site.site_title = "homecare admin"
