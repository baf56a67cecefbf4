"""Reads of the audit trail, scoped to the user in one place.

Managers and administrators see every line; a vendor user only the lines of its own objects
(registry.VENDOR_VISIBLE, its vendor id); anyone else is refused (403). Lines are ordered by
when they happened, newest first, with the id as tie-break; pages walk (at, id) from a cursor
(keyset), so a page is one query on an index whatever the size of the table — no COUNT, no
OFFSET. Lines copied from older history (`manage.py audit_backfill`) sort by their own time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.permissions import MANAGERS, VENDORS

from .models import AuditEvent
from .registry import VENDOR_VISIBLE

PAGE_SIZE = 50
ROLES = MANAGERS | VENDORS


@dataclass(frozen=True)
class AuditFilters:
    object_type: str = ""
    object_id: int | None = None
    person: str = ""
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class Cursor:
    """A position in the trail: a line's (at, id), written in a URL as `<µs since 1970>_<id>`."""

    at: datetime
    id: int

    EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

    def __str__(self) -> str:
        return f"{(self.at - self.EPOCH) // timedelta(microseconds=1)}_{self.id}"

    @classmethod
    def of(cls, event: AuditEvent) -> Cursor:
        return cls(at=event.at, id=event.id)

    @classmethod
    def parse(cls, text: str) -> Cursor | None:
        """None for anything but two ASCII numbers in range (a hand-edited URL is no error)."""
        micros, _sep, number = (text or "").partition("_")
        if not (micros.isascii() and micros.isdigit() and number.isascii() and number.isdigit()):
            return None
        if len(micros) > 17 or len(number) > 18:
            return None
        return cls(at=cls.EPOCH + timedelta(microseconds=int(micros)), id=int(number))


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    older: Cursor | None  # the next (older) page starts below this, None on the last
    newer: Cursor | None  # the previous (newer) page starts above this, None on the first


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(*, user, filters: AuditFilters) -> QuerySet[AuditEvent]:
    if not user.is_authenticated or user.role not in ROLES:
        raise PermissionDenied
    events = AuditEvent.objects.select_related("actor")
    if user.is_vendor:
        events = events.filter(vendor_id=user.vendor_id, object_type__in=VENDOR_VISIBLE)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.object_id is not None:
        events = events.filter(object_id=filters.object_id)
    if filters.person:
        events = events.filter(actor_email=filters.person.strip().lower())
    if filters.date_from:
        events = events.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return events


def _older_than(events: QuerySet[AuditEvent], cursor: Cursor) -> QuerySet[AuditEvent]:
    # `at <= x` bounds the index range; the OR only drops the few lines at exactly x.
    return events.filter(Q(at__lte=cursor.at), Q(at__lt=cursor.at) | Q(id__lt=cursor.id))


def _newer_than(events: QuerySet[AuditEvent], cursor: Cursor) -> QuerySet[AuditEvent]:
    return events.filter(Q(at__gte=cursor.at), Q(at__gt=cursor.at) | Q(id__gt=cursor.id))


NEWEST_FIRST = ("-at", "-id")


def audit_page(
    *, user, filters: AuditFilters, before: Cursor | None = None, after: Cursor | None = None
) -> AuditPage:
    """One page, newest first: below `before`, or the page just above `after`."""
    events = audit_events(user=user, filters=filters)
    if after is not None:
        rows = list(_newer_than(events, after).order_by("at", "id")[: PAGE_SIZE + 1])
        has_newer = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        return AuditPage(
            events=rows,
            older=Cursor.of(rows[-1]) if rows else None,
            newer=Cursor.of(rows[0]) if rows and has_newer else None,
        )
    if before is not None:
        events = _older_than(events, before)
    rows = list(events.order_by(*NEWEST_FIRST)[: PAGE_SIZE + 1])
    has_older = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return AuditPage(
        events=rows,
        older=Cursor.of(rows[-1]) if rows and has_older else None,
        newer=Cursor.of(rows[0]) if rows and before is not None else None,
    )


def audit_export(*, user, filters: AuditFilters, chunk: int = 1000) -> Iterator[AuditEvent]:
    """Every matching line, newest first, read in keyset chunks (flat memory)."""
    events = audit_events(user=user, filters=filters)
    cursor = None
    while True:
        page = events if cursor is None else _older_than(events, cursor)
        rows = list(page.order_by(*NEWEST_FIRST)[:chunk])
        yield from rows
        if len(rows) < chunk:
            return
        cursor = Cursor.of(rows[-1])
