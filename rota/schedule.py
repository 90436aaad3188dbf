"""The rota's periodic tasks, read by `setup_periodic_tasks` (which registers every app's schedule):
(name, task, minute, hour, day_of_week), Europe/London times.

02:30 every night: the clocks never skip or repeat it (they change between 01:00 and 02:00)."""

PERIODIC_TASKS = [
    ("Rota: visits from care plans, two weeks ahead", "rota.tasks.generate_ahead", "30", "2", "*"),
]
