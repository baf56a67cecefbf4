"""`common.jobs.enqueue_coalesced` (issue 22): one refresh per object and window, queued to
run once the window is over, so it reads every write the window skipped."""

import pytest
from django.core.cache import cache

from common import jobs


class Task:
    name = "tests.refresh"

    def __init__(self, down=False):
        self.calls = []
        self.down = down

    def apply_async(self, args, countdown=None):
        if self.down:
            raise ConnectionError("broker down")
        self.calls.append((args, countdown))


@pytest.fixture(autouse=True)
def window(settings):
    settings.JOB_COALESCE_SECONDS = 10
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.clear()


def test_the_first_write_of_a_window_enqueues_to_run_after_it_the_rest_do_not():
    task = Task()
    assert jobs.enqueue_coalesced(task, 7) is True
    assert jobs.enqueue_coalesced(task, 7) is False
    assert jobs.enqueue_coalesced(task, 8) is True  # another object: its own window
    assert task.calls == [((7,), 10), ((8,), 10)]


def test_after_the_window_a_write_enqueues_again():
    task = Task()
    jobs.enqueue_coalesced(task, 7)
    cache.delete(f"jobs:{task.name}:7")  # the window is over (the key expired)
    jobs.enqueue_coalesced(task, 7)
    assert task.calls == [((7,), 10), ((7,), 10)]


def test_without_a_window_or_in_eager_mode_every_write_enqueues_at_once(settings):
    task = Task()
    settings.JOB_COALESCE_SECONDS = 0
    jobs.enqueue_coalesced(task, 7)
    settings.JOB_COALESCE_SECONDS = 10
    settings.CELERY_TASK_ALWAYS_EAGER = True
    jobs.enqueue_coalesced(task, 7)
    assert task.calls == [((7,), None), ((7,), None)]


def test_a_broker_that_is_down_is_logged_not_raised_and_the_next_write_tries_again(caplog):
    task = Task(down=True)
    assert jobs.enqueue_coalesced(task, 7) is False
    assert "could not enqueue tests.refresh(7,)" in caplog.text
    task.down = False
    assert jobs.enqueue_coalesced(task, 7) is True
    assert task.calls == [((7,), 10)]
