from django.apps import AppConfig


class RotaConfig(AppConfig):
    name = "rota"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rota import nav  # noqa: F401 - registers this app's pages in the navigation
        from rota import panels  # noqa: F401 - registers what the rota adds to people's pages
