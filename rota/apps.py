from django.apps import AppConfig


class RotaConfig(AppConfig):
    name = "rota"
    default_auto_field = "django.db.models.BigAutoField"
