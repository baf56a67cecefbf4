"""The sent-log of reminders and digests (DOMAIN.md §7: each exactly once).

One row per (kind, moment, recipient): the unique constraint makes a second run, a retry or
a concurrent worker find the row taken. A row is a claim until `sent_at` is set; a claim
left by a worker that died mid-send is taken over once it is stale (Zulip keeps its
scheduled e-mails as rows the same way)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SentEmail(models.Model):
    kind = models.CharField(_("kind"), max_length=40)
    # The moment it is for, e.g. "pilot:12:2027-03-09" or "2027-03-08" for a weekly digest.
    key = models.CharField(_("moment"), max_length=120)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    claim_token = models.UUIDField(db_index=True)
    claimed_at = models.DateTimeField(_("claimed"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail sent")
        verbose_name_plural = _("e-mails sent")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "recipient"], name="sent_email_once_per_moment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.recipient_id}"
