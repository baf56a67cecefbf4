"""E-mail preferences (issue 23 item 6): which optional e-mails a user receives, and the
one-click unsubscribe (RFC 8058) that needs no sign-in.

One table: each optional topic names the user's field and the outbox kinds it covers. E-mails
that decide something (scorecards, award outcomes, invitations) are in no topic: they always
go. The outbox (`common.outbox.enqueue`) asks `wants(user, kind)` before it queues a message,
and puts `unsubscribe_url(user, kind)` in the `List-Unsubscribe` header and the footer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SALT = "vendorpilot.unsubscribe"


@dataclass(frozen=True)
class Topic:
    key: str
    field: str  # the BooleanField on User
    label: str | Promise
    help: str | Promise
    kinds: frozenset[str]


TOPICS: tuple[Topic, ...] = (
    Topic(
        "digest",
        "email_digest",
        _("Weekly digest"),
        _("Monday morning: the running pilots, checkpoints due, open alerts and contracts."),
        frozenset({"weekly_digest"}),
    ),
    Topic(
        "reminders",
        "email_reminders",
        _("Reminders"),
        _("A quote deadline 48 hours ahead, and a day without KPIs the next morning."),
        frozenset({"quote_deadline", "missing_day"}),
    ),
)
BY_KEY = {t.key: t for t in TOPICS}
BY_KIND = {kind: t for t in TOPICS for kind in t.kinds}


def topic_for(kind: str) -> Topic | None:
    return BY_KIND.get(kind)


def wants(user, kind: str) -> bool:
    """Whether `user` receives e-mails of this outbox kind (always, unless optional)."""
    topic = topic_for(kind)
    return topic is None or bool(getattr(user, topic.field, True))


def unsubscribe_token(user, topic: Topic) -> str:
    """Signed with SECRET_KEY; no timestamp: a link in an old e-mail still works."""
    return signing.Signer(salt=SALT).sign_object({"u": user.pk, "t": topic.key})


def unsubscribe_url(user, kind: str) -> str | None:
    """The absolute one-click link for an optional e-mail; None for one that always goes."""
    topic = topic_for(kind)
    if topic is None:
        return None
    path = reverse("accounts:unsubscribe", args=[unsubscribe_token(user, topic)])
    return f"{settings.SITE_URL}{path}"


def read_token(token: str) -> tuple[int, Topic]:
    """(user id, topic) from a link; `signing.BadSignature` when it was not ours."""
    data = signing.Signer(salt=SALT).unsign_object(token)
    if (
        not isinstance(data, dict)
        or data.get("t") not in BY_KEY
        or not isinstance(data.get("u"), int)
    ):
        raise signing.BadSignature("unknown topic")
    return data["u"], BY_KEY[data["t"]]
