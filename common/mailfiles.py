"""`make run`'s e-mail files (var/mail/): Django's file backend, minus the empty file it leaves
when a connection is opened and closed without a message (a command run that sends nothing
leaves nothing behind, issue 24)."""

from __future__ import annotations

import os

from django.core.mail.backends import filebased


class EmailBackend(filebased.EmailBackend):
    def close(self) -> None:
        path = getattr(self, "_fname", None) if self.stream is not None else None
        super().close()
        if path and os.path.exists(path) and os.path.getsize(path) == 0:
            os.remove(path)
