from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    """The data bundle: import and export of every app's tables (it sits above them all)."""

    name = "interchange"
