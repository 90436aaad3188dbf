import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homecare.settings.local")
app = Celery("homecare")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
