from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registrations: this app's pages, and the referral queue, in the navigation; its home panels.
        from outcomes import home_panels, nav  # noqa: F401
        from outcomes.referrals import nav as referral_nav  # noqa: F401
