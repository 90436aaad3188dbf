from django.apps import AppConfig


class RotaConfig(AppConfig):
    name = "rota"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registrations: this app's pages in the navigation, what it adds to people's pages.
        from rota import nav, panels  # noqa: F401
