from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "commissioning"
    default_auto_field = "django.db.models.BigAutoField"
