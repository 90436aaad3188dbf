from django.apps import AppConfig


class RotaConfig(AppConfig):
    name = "rota"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from outcomes.referrals.clocks import register_first_check_ins
        from rota import home_panels, nav, panels  # noqa: F401 - its pages in the navigation, its panels
        from rota.referrals.starts import first_check_ins

        # The referral queue's start clocks stop at the first delivered visit, which rota knows.
        register_first_check_ins(first_check_ins)
