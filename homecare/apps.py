from django.apps import AppConfig


class HomecareConfig(AppConfig):
    name = "homecare"

    def ready(self) -> None:
        from homecare import api_schema  # noqa: F401 - registers the OpenAPI auth extension
