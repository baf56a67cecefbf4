import os

from celery import Celery
from celery.signals import beat_init, before_task_publish, worker_ready

from common.observability import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("vendorpilot")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Heartbeats for /healthz (common/heartbeats.py): the worker when it is ready, beat when it
# starts and each time it sends `common.heartbeat`.
_in_beat = False


@worker_ready.connect
def _worker_ready(**kwargs) -> None:
    from common import heartbeats  # noqa: PLC0415 - Django is set up once Celery runs

    heartbeats.record(heartbeats.WORKER)


@beat_init.connect
def _beat_init(**kwargs) -> None:
    global _in_beat
    _in_beat = True
    from common import heartbeats  # noqa: PLC0415

    heartbeats.record(heartbeats.BEAT)


@before_task_publish.connect
def _beat_sent(sender=None, **kwargs) -> None:
    if _in_beat and sender == "common.heartbeat":
        from common import heartbeats  # noqa: PLC0415

        heartbeats.record(heartbeats.BEAT)


# The request id travels in a message header into the task's log lines; task metrics.
connect_celery_signals()
