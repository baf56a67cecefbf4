"""The Prometheus metrics of the whole project, defined once (prometheus-client).

Rooms count through the small functions below, never by naming a metric object, so a room
needs no Prometheus knowledge. With PROMETHEUS_MULTIPROC_DIR set (gunicorn with several
workers, and the Celery worker on the same host), prometheus-client writes each process's
values to files there and `/metrics` adds them up (`registry()`).

Labels stay bounded: a view's route name (never the raw path, which holds ids), a status
code, a task name, an outcome.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from .hooks import Hook

logger = logging.getLogger(__name__)

REQUESTS = Counter(
    "vendorpilot_http_requests_total",
    "HTTP requests by route name, method and status code.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "vendorpilot_http_request_duration_seconds",
    "Time to answer a request, by route name.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TASKS = Counter(
    "vendorpilot_celery_tasks_total",
    "Celery tasks run, by task name and final state (success, failure, retry).",
    ["task", "state"],
)
TASK_FAILURES = Counter(
    "vendorpilot_celery_task_failures_total",
    "Celery tasks that raised, by task name.",
    ["task"],
)
EMAILS = Counter(
    "vendorpilot_emails_total",
    "E-mail messages handed to the mail server, by outcome (sent, failed).",
    ["outcome"],
)
WEBHOOK_DELIVERIES = Counter(
    "vendorpilot_webhook_deliveries_total",
    "Webhook delivery attempts by outcome (delivered, retry, failed).",
    ["outcome"],
)

# Gauges read from the database at scrape time: callables `() -> Iterable[GaugeMetricFamily]`
# (the e-mail outbox depth, pending webhook deliveries), registered by the room that knows.
scrape_gauges = Hook("scrape_gauges")


def request_observed(*, view: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(view=view, method=method, status=str(status)).inc()
    LATENCY.labels(view=view).observe(seconds)


def task_finished(*, task: str, state: str) -> None:
    TASKS.labels(task=task, state=state).inc()
    if state == "failure":
        TASK_FAILURES.labels(task=task).inc()


def emails_counted(*, sent: int = 0, failed: int = 0) -> None:
    if sent:
        EMAILS.labels(outcome="sent").inc(sent)
    if failed:
        EMAILS.labels(outcome="failed").inc(failed)


def webhook_delivery(outcome: str) -> None:
    WEBHOOK_DELIVERIES.labels(outcome=outcome).inc()


def gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


class _ScrapeGauges(Collector):
    def __init__(self, sources: Hook):
        self.sources = sources

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for source in self.sources:
            try:
                gauges = list(source())
            except Exception:
                # The database is down or not migrated: the counters still answer.
                logger.warning("metrics: %s could not be read", source.__name__, exc_info=True)
                continue
            yield from gauges


def _outbox_depth() -> Iterator[GaugeMetricFamily]:
    """E-mails queued and not yet sent or given up, if the outbox model is installed."""
    from django.apps import apps  # noqa: PLC0415 - read at scrape time, apps are ready

    try:
        outbox = apps.get_model("common", "OutboxMessage")
    except LookupError:
        return
    depth = outbox.objects.filter(sent_at=None, failed_at=None).count()
    yield gauge("vendorpilot_email_outbox_depth", "E-mails waiting in the outbox.", depth)


scrape_gauges.register(_outbox_depth)


def exposition() -> tuple[bytes, str]:
    """The text of /metrics and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counters = CollectorRegistry()
        multiprocess.MultiProcessCollector(counters)
    else:
        counters = REGISTRY
    at_scrape = CollectorRegistry(auto_describe=False)
    at_scrape.register(_ScrapeGauges(scrape_gauges))
    return generate_latest(counters) + generate_latest(at_scrape), CONTENT_TYPE_LATEST


def timed() -> Callable[[], float]:
    """A stopwatch: `elapsed = timed(); …; elapsed()` seconds (monotonic)."""
    start = time.perf_counter()
    return lambda: time.perf_counter() - start
