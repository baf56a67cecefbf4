import os

from celery import Celery

from common.observability import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("vendorpilot")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The request id travels in a message header into the task's log lines; task metrics.
connect_celery_signals()
