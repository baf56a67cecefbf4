"""`MeteredEmailBackend`: the configured e-mail backend, counted for /metrics.

Every e-mail of every room (the outbox, the scorecard batches, the awards) goes through a
backend's `send_messages`, so counting here misses none and needs no change where e-mail is
sent. Settings: `EMAIL_BACKEND = "common.mail.MeteredEmailBackend"` and the real one in
`EMAIL_METERED_BACKEND` (config/settings/base.py wraps whatever EMAIL_URL chose).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

from . import metrics


class MeteredEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.inner = get_connection(
            settings.EMAIL_METERED_BACKEND, fail_silently=fail_silently, **kwargs
        )

    def open(self):
        return self.inner.open()

    def close(self):
        return self.inner.close()

    def send_messages(self, email_messages) -> int:
        messages = list(email_messages)
        try:
            sent = self.inner.send_messages(messages) or 0
        except Exception:
            metrics.emails_counted(failed=len(messages))
            raise
        metrics.emails_counted(sent=sent, failed=len(messages) - sent)
        return sent
