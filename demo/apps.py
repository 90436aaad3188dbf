from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The deterministic demo data, its logins and the benchmarks that generate their own data."""

    name = "demo"
