from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from homecare import schedule
        from outcomes import nav  # noqa: F401 - registers this app's pages in the navigation

        # Daily, Europe/London: changes four weeks in force go to the social work team; assessors
        # hear of reviews due in 7 days or overdue.
        schedule.register(
            "Package changes: submit those in force four weeks",
            "outcomes.tasks.submit_due_changes",
            minute="0",
            hour="6",
        )
        schedule.register(
            "Reviews: tell assessors of reviews due or overdue",
            "outcomes.tasks.notify_reviews_due",
            minute="15",
            hour="6",
        )
