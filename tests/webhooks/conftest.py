"""A real HTTP receiver on loopback (http.server in a thread) that records every request
and answers from a script: a list of status codes, or "hang" (never answers)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from config.celery_app import app as celery_app
from webhooks.models import Endpoint


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    script: list = field(default_factory=list)  # answers in order; then `default`
    default: int | str = 200
    requests: list[Received] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks/vendorpilot"

    def next_answer(self) -> int | str:
        with self.lock:
            return self.script.pop(0) if self.script else self.default


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with receiver.lock:
                receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            answer = receiver.next_answer()
            if answer == "hang":
                receiver.released.wait(30)  # never answers while the test runs
                return
            payload = f"<b>answer {answer}</b>".encode()
            self.send_response(int(answer))
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    receiver = Receiver(server=server)
    server.RequestHandlerClass = _handler(receiver)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    receiver.released.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def eager_celery():
    """Tasks run in this process when enqueued (the after-commit callbacks run them): the
    real-worker test is in test_worker.py."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def endpoint_for(admin_role_user):
    def make(url: str, events: list[str], **kwargs) -> Endpoint:
        return Endpoint.objects.create(url=url, events=events, created_by=admin_role_user, **kwargs)

    return make
