from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "workforce"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from commissioning.extensions import register_worker_link
        from workforce import home_panels  # noqa: F401 - its panel on the home page
        from workforce.services import worker_choices, worker_user_link

        # The invite form and create_user ask which worker record a care worker's login belongs to.
        register_worker_link(choices=worker_choices, link=worker_user_link)
