from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "commissioning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from commissioning import nav  # noqa: F401 - registers this app's pages in the navigation
