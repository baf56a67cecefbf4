"""Request ids and request metrics: one id per request (the caller's `X-Request-ID` when it is
a sane one, else a new one), in every log line written while the request runs, in the
response's `X-Request-ID`, and in every Celery task the request enqueues (a message header),
whose log lines carry it too.

- `RequestContextMiddleware`: the id and the request metrics (route name, status, latency).
- `RequestIdLogFilter`: puts `request_id` on every log record (the JSON formatter writes it).
- `connect_celery_signals()`: the header on publish, the id and task metrics in the worker
  (called by config/celery_app.py, for the web process and the worker alike).
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from . import metrics

REQUEST_ID_HEADER = "X-Request-ID"
CELERY_HEADER = "request_id"
# Letters, digits and - _ . : only, at most 100: an id a proxy or load balancer sends (a UUID,
# a trace id) passes, and nothing can forge a log line or a header through it.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def sane_request_id(value: str | None) -> str | None:
    return value if value and VALID_REQUEST_ID.fullmatch(value) else None


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            # django.request logs a 4xx/5xx after the middleware is done: its record carries
            # the request, and the request its id.
            record.request_id = _request_id.get() or getattr(
                getattr(record, "request", None), "request_id", None
            )
        return True


class JsonFormatter(_JsonFormatter):
    """python-json-logger's formatter (extras become fields), without Celery's `data` extra:
    its task id, name and exception are in the message already, and a second copy would
    only make every line longer."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "data"])
        super().__init__(*args, **kwargs)


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unmatched>"  # a 404 for no route: one label, whatever the path was
    return match.view_name or match._func_path


class RequestContextMiddleware:
    """First in MIDDLEWARE, so its id covers every other middleware's log lines."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = sane_request_id(request.headers.get(REQUEST_ID_HEADER)) or new_request_id()
        request.request_id = request_id
        token = _request_id.set(request_id)
        elapsed = metrics.timed()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            metrics.request_observed(
                view=_view_name(request),
                method=request.method or "",
                status=response.status_code,
                seconds=elapsed(),
            )
            return response
        finally:
            _request_id.reset(token)


# --- Celery ------------------------------------------------------------------------------


def _add_request_id(headers=None, **_kwargs) -> None:
    request_id = _request_id.get()
    if request_id and headers is not None and CELERY_HEADER not in headers:
        headers[CELERY_HEADER] = request_id


def _task_request_id(task) -> str | None:
    request = task.request
    value = getattr(request, CELERY_HEADER, None) or (request.headers or {}).get(CELERY_HEADER)
    return sane_request_id(value)


_task_tokens: dict[str, object] = {}


def _task_started(task_id=None, task=None, **_kwargs) -> None:
    request_id = _task_request_id(task) if task is not None else None
    _task_tokens[task_id] = _request_id.set(request_id or f"task-{task_id}")


def _task_ended(task_id=None, task=None, state=None, **_kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _request_id.reset(token)
    if task is not None and state:
        metrics.task_finished(task=task.name, state=str(state).lower())


def connect_celery_signals() -> None:
    from celery import signals  # noqa: PLC0415 - Celery loads after Django settings

    signals.before_task_publish.connect(_add_request_id, weak=False, dispatch_uid="vp-rid")
    signals.task_prerun.connect(_task_started, weak=False, dispatch_uid="vp-rid-start")
    signals.task_postrun.connect(_task_ended, weak=False, dispatch_uid="vp-rid-end")
