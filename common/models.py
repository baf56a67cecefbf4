"""The e-mail outbox (docs/domain.md §7, issue 21): every e-mail that must go once is a row.

One row per message per recipient, keyed by its cause (`kind` + `cause` + recipient: e.g.
"pilot_scorecard", "scorecard:12"), so a cause is enqueued once whatever runs, retries or
workers race (the unique constraint). The row holds the rendered message (subject, text, HTML,
attachments, headers) in the recipient's language. A sender claims rows with a lease
(`lease_until`, `lease_token`), sends them over one SMTP connection and marks each one sent
right after the server accepts it (`sent_at`); a refused or failed message is retried with
exponential backoff (`next_attempt_at`) or recorded as failed (`failed_at`), and never holds
up the others. A sender killed mid-batch leaves leases that expire: the periodic
`common.send_outbox` takes over what is left (Zulip keeps its scheduled e-mails as rows the
same way; HackSoft sends through one `Email` model with a status).

`Heartbeat`: the last moment the Celery worker and beat were seen alive (`/healthz`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    kind = models.CharField(_("kind"), max_length=40)
    # What it is about and for which moment, e.g. "scorecard:12", "2027-03-08" (a week),
    # "invitation:7:0" (the first round of an invitation).
    cause = models.CharField(_("cause"), max_length=160)
    # The object whose `emailed_at` (or the like) follows the sends: its room registers a
    # callback for the kind (common.outbox.on_settled).
    object_id = models.BigIntegerField(null=True, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    to_email = models.EmailField(_("recipient address"))
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # [{"filename", "mimetype", "content_id", "content" (base64)}], or instead of "content" a
    # stored attachment's "store" and "key" (common.outbox.StoredAttachment: the scorecard
    # chart, kept once per scorecard and language, read once per batch when sent).
    attachments = models.JSONField(default=list, blank=True)
    mixed_subtype = models.CharField(max_length=20, default="mixed")
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.UUIDField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "cause", "recipient"], name="outbox_once_per_cause"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_pending",
                condition=Q(sent_at=None, failed_at=None),
            ),
            models.Index(fields=["kind", "object_id"], name="outbox_object"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.cause} → {self.to_email}"

    @property
    def is_pending(self) -> bool:
        return self.sent_at is None and self.failed_at is None


class Heartbeat(models.Model):
    """`worker`: written by the worker when it starts and each time it runs
    `common.heartbeat`; `beat`: written by beat each time it sends that task."""

    name = models.CharField(max_length=20, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.seen_at:%Y-%m-%d %H:%M:%S}"
