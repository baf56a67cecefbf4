"""One flat table of who changed what and when (the audit trail).

Why a table of its own instead of reading the historical tables at display time: one index
serves every filter, a page is one query whatever the number of audited models (a UNION over
16 historical tables with their own columns would grow with each), and sign-ins and token use,
which no historical table holds, sit in the same list. Each change is written once, by
simple-history's `post_create_historical_record` signal, with its field-by-field difference.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATED = "created", _("created")
    CHANGED = "changed", _("changed")
    DELETED = "deleted", _("deleted")
    SIGNED_IN = "signed_in", _("signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("sign-in failed")
    SIGNED_OUT = "signed_out", _("signed out")
    TOKEN_USED = "token_used", _("API token used")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now)
    # Who: the user (kept as the e-mail address too, so the line survives the user and
    # names the address typed at a failed sign-in).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_email = models.CharField(_("who"), max_length=254, blank=True)
    action = models.CharField(_("what"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object"), max_length=30)  # audit.registry key
    object_id = models.BigIntegerField(_("object id"), null=True, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # The vendor whose object this is (a vendor sees these lines only); no foreign key, so a
    # line outlives its vendor and writing one never waits on the vendor's row.
    vendor_id = models.BigIntegerField(null=True, blank=True)
    # [[field name, old value, new value], …] as stored (codes, ids); labels at display.
    changes = models.JSONField(default=list, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(_("reason"), blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        # Pages walk (at, id) downwards from a cursor (keyset): each filter has an index
        # ending in (at, id), so a page reads its rows and no more, however long the trail.
        indexes = [
            models.Index(fields=["at", "id"], name="audit_at_id"),
            models.Index(fields=["object_type", "at", "id"], name="audit_type_at"),
            models.Index(fields=["object_type", "object_id", "at", "id"], name="audit_object_at"),
            models.Index(fields=["actor_email", "at", "id"], name="audit_actor_at"),
            models.Index(fields=["vendor_id", "at", "id"], name="audit_vendor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.object_type}"
