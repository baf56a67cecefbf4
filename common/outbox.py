"""One outbox for every e-mail that must go once (issue 21; the model in `common.models`).

Enqueue — `enqueue(kind, [Draft(cause, recipient, render, object_id), …])`: one row per
cause and recipient, once. Only drafts without a row yet are rendered; the insert ignores
conflicts, so two jobs enqueuing the same cause at once leave one row each (the unique
constraint). Optional
e-mails (digest, reminders) skip users who opted out (`accounts.preferences`) and carry a
one-click unsubscribe (RFC 8058). Call it inside the transaction that makes the cause (the
scorecard, the invitation): the cause and its e-mails commit together or not at all.

Send — `send_due(…)`: claim up to a batch of due rows with a lease (`select_for_update
(skip_locked=True)` plus a conditional UPDATE that sets `lease_token`), open ONE SMTP
connection for the batch, and for each message: check the batch's lease still holds (renewed
for the rows still ours, in one UPDATE, once less than half of it is left), send it, and
mark it sent right after the server accepted it. A message the server refuses for good (5xx)
is recorded as failed with an error log and never retried; a temporary failure (4xx, a
dropped connection) backs off exponentially (`OUTBOX_RETRY_BASE_SECONDS × 2^attempts`, at
most `OUTBOX_RETRY_MAX_SECONDS`) and fails for good after `OUTBOX_MAX_ATTEMPTS`. Neither
holds up the other messages. A killed sender's leases expire after `OUTBOX_LEASE_SECONDS`
and the periodic `common.send_outbox` (beat, every minute) sends what is left: an accepted
message is marked sent before the next one is tried, so it is never sent again, and a message
not yet accepted stays pending, so none is lost. (The one window no outbox closes: the process
dies after the server's 250 and before the mark — at most that one message goes twice.)

When every message of an object (a scorecard, an invitation …) is settled, the callbacks the
rooms registered with `on_settled(kind)` (one object) or `on_settled_many(kind)` (a batch's
objects at once: constant queries per batch) run (they set `emailed_at` and close alerts); the
outbox reads every object's summary in one query per batch.

Stored attachments — content shared by many messages (the scorecard's chart, the same for each
recipient, every retry and rerun) is not copied into each row: a draft names it
(`StoredAttachment(store, key, …)`), the row keeps only the reference, and the sender reads
the batch's contents in one call per store (`on_stored_content(store, resolve)`, registered
by the room that keeps them) and builds each MIME part once per batch.
"""

from __future__ import annotations

import base64
import logging
import smtplib
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import encoders
from email.mime.base import MIMEBase

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from accounts import preferences

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def batch_size() -> int:
    """Messages a sender claims at once (one SMTP connection each batch)."""
    return int(getattr(settings, "OUTBOX_BATCH_SIZE", 50))


def lease_seconds() -> int:
    return int(getattr(settings, "OUTBOX_LEASE_SECONDS", 300))


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after `attempts` failed attempts: base, 2×base, 4×base … capped."""
    base = float(getattr(settings, "OUTBOX_RETRY_BASE_SECONDS", 30))
    cap = float(getattr(settings, "OUTBOX_RETRY_MAX_SECONDS", 3600))
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def max_attempts() -> int:
    return int(getattr(settings, "OUTBOX_MAX_ATTEMPTS", 8))


# --- callbacks of the rooms -----------------------------------------------------------------


@dataclass(frozen=True)
class Settled:
    """Every message of one object of a kind is sent or failed for good."""

    kind: str
    object_id: int
    sent: int
    failed: int
    last_sent_at: datetime | None
    error: str


_settled: dict[str, list[Callable[[Settled], None]]] = {}
_settled_many: dict[str, list[Callable[[list[Settled]], None]]] = {}
_attempt_failed: dict[str, list[Callable[[OutboxMessage, str], None]]] = {}


def on_settled(kind: str, callback: Callable[[Settled], None]) -> None:
    """`callback(settled)` once an object's messages are all sent or failed for good."""
    if callback not in _settled.setdefault(kind, []):
        _settled[kind].append(callback)


def on_settled_many(kind: str, callback: Callable[[list[Settled]], None]) -> None:
    """`callback([settled, …])` once per batch with every object of the kind the batch settled
    (set-based: its queries do not grow with the objects)."""
    if callback not in _settled_many.setdefault(kind, []):
        _settled_many[kind].append(callback)


def on_attempt_failed(kind: str, callback: Callable[[OutboxMessage, str], None]) -> None:
    """`callback(row, error)` after an attempt failed (to be retried or for good)."""
    if callback not in _attempt_failed.setdefault(kind, []):
        _attempt_failed[kind].append(callback)


# --- stored attachments ---------------------------------------------------------------------


@dataclass(frozen=True)
class StoredAttachment:
    """An attachment whose bytes a room keeps once (`store`, `key`) for many messages; the
    row holds only this reference. `content_id`: an inline part (multipart/related), else a
    file attachment."""

    store: str
    key: str
    filename: str
    mimetype: str
    content_id: str = ""

    def as_json(self) -> dict:
        return {
            "filename": self.filename,
            "mimetype": self.mimetype,
            "content_id": self.content_id,
            "store": self.store,
            "key": self.key,
        }


_stores: dict[str, Callable[[list[str]], dict[str, bytes]]] = {}


def on_stored_content(store: str, resolve: Callable[[list[str]], dict[str, bytes]]) -> None:
    """`resolve(keys)` → {key: bytes} for the keys it has, in one query for a whole batch."""
    _stores[store] = resolve


class MissingContent(Exception):
    """A stored attachment's content is not there (yet): the message waits for its retry."""


def _resolve(rows: Iterable[OutboxMessage]) -> dict[tuple[str, str], bytes]:
    """Every stored attachment of the rows, one call per store."""
    wanted: dict[str, set[str]] = {}
    for row in rows:
        for item in row.attachments:
            if "store" in item:
                wanted.setdefault(item["store"], set()).add(item["key"])
    contents: dict[tuple[str, str], bytes] = {}
    for store, keys in wanted.items():
        resolve = _stores.get(store)
        if resolve is None:
            continue
        for key, data in resolve(sorted(keys)).items():
            contents[(store, key)] = bytes(data)
    return contents


# --- enqueue --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """One message to queue: its cause, its recipient, and how to render it
    (`render(unsubscribe_url=…)` → `common.emails.make_message(…)` in the user's language);
    `attachments`: content stored once for many messages, attached by reference."""

    cause: str
    recipient: object  # accounts.User
    render: Callable[..., EmailMultiAlternatives]
    object_id: int | None = None
    attachments: tuple[StoredAttachment, ...] = ()


def enqueue(kind: str, drafts: Iterable[Draft]) -> list[OutboxMessage]:
    """Queue each draft's message unless its (kind, cause, recipient) is queued already;
    return the rows this call queued. Only new drafts are rendered (a second run of a job
    renders nothing); two jobs racing leave one row (the unique constraint)."""
    drafts = [d for d in drafts if d.recipient.email and preferences.wants(d.recipient, kind)]
    if not drafts:
        return []
    causes = {d.cause for d in drafts}
    recipient_ids = {d.recipient.pk for d in drafts}
    queued = set(
        OutboxMessage.objects.filter(
            kind=kind, cause__in=causes, recipient_id__in=recipient_ids
        ).values_list("cause", "recipient_id")
    )
    marker = uuid.uuid4()
    rows, keys = [], set()
    for draft in drafts:
        key = (draft.cause, draft.recipient.pk)
        if key in queued or key in keys:
            continue
        keys.add(key)
        message = draft.render(unsubscribe_url=preferences.unsubscribe_url(draft.recipient, kind))
        row = _row(kind, draft.cause, draft.object_id, draft.recipient, message)
        row.attachments += [a.as_json() for a in draft.attachments]
        row.lease_token = marker  # not a lease (no lease_until): marks this call's rows
        rows.append(row)
    if not rows:
        return []
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=200)
    # With ignore_conflicts the ids are not returned: read back the rows this call inserted
    # (a racing job's rows for the same keys carry its own marker).
    return list(OutboxMessage.objects.filter(lease_token=marker).order_by("pk"))


def _row(kind, cause, object_id, user, message: EmailMultiAlternatives) -> OutboxMessage:
    html = next((c for c, mime in message.alternatives if mime == "text/html"), "")
    attachments = []
    for part in message.attachments:
        if isinstance(part, MIMEBase):
            attachments.append(
                {
                    "filename": part.get_filename() or "",
                    "mimetype": part.get_content_type(),
                    "content_id": (part.get("Content-ID") or "").strip("<>"),
                    "content": base64.b64encode(part.get_payload(decode=True)).decode(),
                }
            )
        else:
            filename, content, mimetype = part
            data = content.encode() if isinstance(content, str) else content
            attachments.append(
                {
                    "filename": filename or "",
                    "mimetype": mimetype or "application/octet-stream",
                    "content_id": "",
                    "content": base64.b64encode(data).decode(),
                }
            )
    return OutboxMessage(
        kind=kind,
        cause=cause,
        object_id=object_id,
        recipient=user,
        to_email=user.email,
        language=user.language or settings.LANGUAGE_CODE,
        subject=message.subject[:300],
        text=message.body,
        html=html,
        reply_to=list(message.reply_to),
        headers=dict(message.extra_headers),
        attachments=attachments,
        mixed_subtype=message.mixed_subtype,
    )


def as_email(
    row: OutboxMessage,
    contents: dict[tuple[str, str], bytes] | None = None,
    parts: dict | None = None,
) -> EmailMultiAlternatives:
    """The stored message, ready to send. `contents`: the stored attachments read for the
    batch (read here when not given); `parts`: inline MIME parts built once per batch."""
    message = _Email(
        row.subject,
        row.text,
        to=[row.to_email],
        reply_to=row.reply_to or None,
        headers=row.headers or None,
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    message.mixed_subtype = row.mixed_subtype
    if contents is None and any("store" in item for item in row.attachments):
        contents = _resolve([row])
    if parts is None:
        parts = {}
    for item in row.attachments:
        if "store" in item:
            source = (item["store"], item["key"])
            if source not in contents:
                raise MissingContent(f"attachment {item['store']}:{item['key']} is not stored")
        else:
            source = None
        if item.get("content_id"):
            # An inline part: built (and base64-encoded) once per batch and content, then
            # attached as is to every message that shows it.
            cache_key = (source or id(item), item["content_id"], item["filename"], item["mimetype"])
            part = parts.get(cache_key)
            if part is None:
                data = contents[source] if source else base64.b64decode(item["content"])
                part = _inline_part(data, item)
                if source:
                    parts[cache_key] = part
            message.attach(part)
        else:
            data = contents[source] if source else base64.b64decode(item["content"])
            message.attach(item["filename"], data, item["mimetype"])
    return message


class _Email(EmailMultiAlternatives):
    """Its multipart boundaries drawn at random up front: the standard generator otherwise
    draws one and searches the whole flattened body for it with a new regular expression,
    per multipart (~40% of building a message). 128 random bits drawn after the content is
    fixed cannot occur in it but by chance (what the generator's own check guards against)."""

    def message(self, *args, **kwargs):
        message = super().message(*args, **kwargs)
        for part in message.walk():
            if part.is_multipart() and part.get_boundary() is None:
                part.set_boundary(f"==============={uuid.uuid4().hex}==")
        return message


def _inline_part(data: bytes, item: dict) -> MIMEBase:
    maintype, subtype = item["mimetype"].split("/", 1)
    part = MIMEBase(maintype, subtype)
    part.set_payload(data)
    encoders.encode_base64(part)
    part.add_header("Content-ID", f"<{item['content_id']}>")
    part.add_header("Content-Disposition", "inline", filename=item["filename"])
    return part


# --- send -----------------------------------------------------------------------------------


def _due(now: datetime):
    return OutboxMessage.objects.filter(
        Q(lease_until=None) | Q(lease_until__lt=now),
        sent_at=None,
        failed_at=None,
        next_attempt_at__lte=now,
    )


def claim(
    *, limit: int | None = None, ids: Sequence[int] | None = None, kinds: Iterable[str] = ()
) -> tuple[uuid.UUID, list[OutboxMessage]]:
    """Lease up to `limit` due rows to this sender (none another sender holds)."""
    now = timezone.now()
    token = uuid.uuid4()
    limit = limit or batch_size()
    due = _due(now)
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    if kinds:
        due = due.filter(kind__in=list(kinds))
    with transaction.atomic():
        pks = list(
            due.order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if not pks:
            return token, []
        # Conditional: a sender on a database without row locks (SQLite) cannot take a row
        # another has leased meanwhile.
        _due(now).filter(pk__in=pks).update(
            lease_until=now + timedelta(seconds=lease_seconds()), lease_token=token
        )
    return token, list(OutboxMessage.objects.filter(lease_token=token).order_by("pk"))


def _renew(rows: Sequence[OutboxMessage], token: uuid.UUID) -> tuple[datetime, set[int]]:
    """Extend the lease of those of `rows` still ours (not sent, not failed, not taken over
    by another sender after our lease ran out), in one UPDATE; return the new end of the
    lease and their ids."""
    until = timezone.now() + timedelta(seconds=lease_seconds())
    pks = [r.pk for r in rows]
    OutboxMessage.objects.filter(
        pk__in=pks, lease_token=token, sent_at=None, failed_at=None
    ).update(lease_until=until)
    ours = OutboxMessage.objects.filter(pk__in=pks, lease_token=token, lease_until=until)
    return until, set(ours.values_list("pk", flat=True))


def _lease_holds(until: datetime | None) -> bool:
    """More than half of the lease is left: no other sender can take these rows before this
    send is over (an SMTP call ends within EMAIL_TIMEOUT, far less than half a lease)."""
    return until is not None and until - timezone.now() > timedelta(seconds=lease_seconds() / 2)


def _mark_sent(row: OutboxMessage, token: uuid.UUID) -> None:
    now = timezone.now()
    OutboxMessage.objects.filter(pk=row.pk, lease_token=token).update(
        sent_at=now, lease_until=None, attempts=F("attempts") + 1, last_error=""
    )
    row.sent_at = now


def _permanent(exc: BaseException) -> bool:
    """A 5xx answer is final: the server will refuse this message again."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _connection_lost(exc: BaseException) -> bool:
    return isinstance(exc, smtplib.SMTPServerDisconnected | OSError) and not isinstance(
        exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused
    )


def _mark_failed(row: OutboxMessage, token: uuid.UUID, exc: BaseException) -> None:
    error = f"{type(exc).__name__}: {exc}"[:300]
    now = timezone.now()
    attempts = row.attempts + 1
    final = _permanent(exc) or attempts >= max_attempts()
    changes = {"attempts": attempts, "lease_until": None, "last_error": error}
    if final:
        changes["failed_at"] = now
        logger.error(
            "e-mail %s (%s %s) to %s failed for good after %d attempts: %s",
            row.pk, row.kind, row.cause, row.to_email, attempts, error,
        )  # fmt: skip
    else:
        changes["next_attempt_at"] = now + retry_delay(attempts)
        logger.warning(
            "e-mail %s (%s %s) to %s failed (attempt %d), retry at %s: %s",
            row.pk, row.kind, row.cause, row.to_email, attempts,
            changes["next_attempt_at"].isoformat(timespec="seconds"), error,
        )  # fmt: skip
    OutboxMessage.objects.filter(pk=row.pk, lease_token=token).update(**changes)
    for key, value in changes.items():
        setattr(row, key, value)
    for callback in _attempt_failed.get(row.kind, []):
        try:
            callback(row, error)
        except Exception:
            logger.exception("outbox: failure callback of %s", row.kind)


def _release(rows: Iterable[OutboxMessage], token: uuid.UUID) -> None:
    OutboxMessage.objects.filter(
        pk__in=[r.pk for r in rows], lease_token=token, sent_at=None
    ).update(lease_until=None)


def send_batch(rows: list[OutboxMessage], token: uuid.UUID) -> list[OutboxMessage]:
    """Send leased rows over one SMTP connection; return those the server accepted."""
    sent: list[OutboxMessage] = []
    if not rows:
        return sent
    try:
        connection = get_connection(fail_silently=False)
        connection.open()
    except Exception as exc:
        # No server: every row of the batch waits for its retry.
        for row in rows:
            _mark_failed(row, token, exc)
        _settle(rows)
        return sent
    # The lease this sender took in `claim` (the same end for the whole batch).
    until = min((r.lease_until for r in rows if r.lease_until), default=None)
    ours = {r.pk for r in rows}
    try:
        contents = _resolve(rows)
    except Exception:
        logger.exception("outbox: reading the stored attachments failed")
        contents = {}
    parts: dict = {}
    try:
        for index, row in enumerate(rows):
            if not _lease_holds(until):
                # Less than half the lease left (a slow server, a long batch): extend it for
                # the rows still ours; a row another sender took over meanwhile is skipped.
                until, ours = _renew(rows[index:], token)
            if row.pk not in ours:
                continue  # taken over (our lease ran out) or done meanwhile
            try:
                accepted = connection.send_messages([as_email(row, contents, parts)])
                if not accepted:
                    raise smtplib.SMTPException("the server accepted nothing")
            except Exception as exc:
                _mark_failed(row, token, exc)
                if _connection_lost(exc):
                    # The rest are untouched: free them for the next sender at once.
                    _release(rows[index + 1 :], token)
                    break
                continue
            _mark_sent(row, token)
            sent.append(row)
    finally:
        try:
            connection.close()
        except Exception:
            logger.warning("outbox: closing the SMTP connection failed", exc_info=True)
        _settle(rows)
    return sent


def send_due(
    *,
    ids: Sequence[int] | None = None,
    kinds: Iterable[str] = (),
    limit: int | None = None,
    max_batches: int | None = None,
    time_budget: float | None = None,
) -> list[OutboxMessage]:
    """Send what is due (of `ids` or `kinds` when given), batch after batch, until nothing
    due is left (or `max_batches`, or `time_budget` seconds: a task gives the rest to the
    next run). Returns the rows sent."""
    sent: list[OutboxMessage] = []
    started = timezone.now()
    batches = 0
    while True:
        token, rows = claim(limit=limit, ids=ids, kinds=kinds)
        if not rows:
            return sent
        sent.extend(send_batch(rows, token))
        batches += 1
        if max_batches is not None and batches >= max_batches:
            return sent
        if time_budget is not None and (timezone.now() - started).total_seconds() > time_budget:
            return sent


def send_on_commit(rows: Sequence[OutboxMessage]) -> None:
    """After the transaction that queued them commits, send them in this process (a page
    that invites a vendor); what fails here waits for its retry by `common.send_outbox`."""
    ids = [r.pk for r in rows]
    if ids:
        transaction.on_commit(lambda: _send_quietly(ids))


def _send_quietly(ids: list[int]) -> None:
    try:
        send_due(ids=ids)
    except Exception:
        logger.exception("outbox: sending %d queued e-mails failed; the periodic task retries", len(ids))  # fmt: skip


# --- settling: the rooms' callbacks ---------------------------------------------------------


def _settle(rows: Iterable[OutboxMessage]) -> None:
    """The objects of the batch whose messages are all settled: their rooms' callbacks, with
    every object's summary read in one query (whatever the number of objects)."""
    objects = {
        (r.kind, r.object_id)
        for r in rows
        if r.object_id is not None and (_settled.get(r.kind) or _settled_many.get(r.kind))
    }
    if not objects:
        return
    summaries = (
        OutboxMessage.objects.filter(
            kind__in={kind for kind, _id in objects},
            object_id__in={object_id for _kind, object_id in objects},
        )
        .values("kind", "object_id")
        .annotate(
            pending=Count("pk", filter=Q(sent_at=None, failed_at=None)),
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            failed=Count("pk", filter=Q(failed_at__isnull=False)),
            last_sent_at=Max("sent_at"),
            error=Max("last_error", filter=Q(failed_at__isnull=False)),
        )
        .order_by()
    )
    by_kind: dict[str, list[Settled]] = {}
    for summary in summaries:
        key = (summary["kind"], summary["object_id"])
        if key not in objects or summary["pending"]:
            continue
        by_kind.setdefault(key[0], []).append(
            Settled(
                kind=key[0],
                object_id=key[1],
                sent=summary["sent"],
                failed=summary["failed"],
                last_sent_at=summary["last_sent_at"],
                error=summary["error"] or "",
            )
        )
    for kind, settled in sorted(by_kind.items()):
        settled.sort(key=lambda s: s.object_id)
        for callback in _settled_many.get(kind, []):
            try:
                callback(settled)
            except Exception:
                logger.exception("outbox: settled callback of %s (%d objects)", kind, len(settled))
        for one in settled:
            for callback in _settled.get(kind, []):
                try:
                    callback(one)
                except Exception:
                    logger.exception("outbox: settled callback of %s %s", kind, one.object_id)


def pending_count() -> int:
    return OutboxMessage.objects.filter(sent_at=None, failed_at=None).count()
