"""The outcomes app's periodic tasks, read by `setup_periodic_tasks` (which registers every app's
schedule): (name, task, minute, hour, day_of_week), Europe/London times.

Daily: changes in force for four weeks go to the social work team at 06:00; at 06:15 assessors hear
of reviews due in 7 days or overdue (before the working day, after the night's jobs)."""

PERIODIC_TASKS = [
    ("Package changes: submit those in force four weeks", "outcomes.tasks.submit_due_changes", "0", "6", "*"),
    ("Reviews: tell assessors of reviews due or overdue", "outcomes.tasks.notify_reviews_due", "15", "6", "*"),
]
