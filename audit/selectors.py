"""Reads of the audit trail, scoped to the user in one place.

Managers and administrators see every line; a vendor user only the lines of its own objects
(registry.VENDOR_VISIBLE, its vendor id); anyone else is refused (403). Pages walk the
primary key downwards from a cursor (keyset), so a page is one query on an index whatever
the size of the table — no COUNT, no OFFSET.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
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
class AuditPage:
    events: list[AuditEvent]
    older: int | None  # cursor for the next (older) page, None on the last
    newer: int | None  # cursor for the previous (newer) page, None on the first


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


def audit_page(
    *, user, filters: AuditFilters, before: int | None = None, after: int | None = None
) -> AuditPage:
    """One page, newest first: below `before`, or the page just above `after`."""
    events = audit_events(user=user, filters=filters)
    if after is not None:
        rows = list(events.filter(id__gt=after).order_by("id")[: PAGE_SIZE + 1])
        has_newer = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        return AuditPage(
            events=rows,
            older=rows[-1].id if rows else None,
            newer=rows[0].id if rows and has_newer else None,
        )
    if before is not None:
        events = events.filter(id__lt=before)
    rows = list(events.order_by("-id")[: PAGE_SIZE + 1])
    has_older = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return AuditPage(
        events=rows,
        older=rows[-1].id if rows and has_older else None,
        newer=rows[0].id if rows and before is not None else None,
    )


def audit_export(*, user, filters: AuditFilters, chunk: int = 1000) -> Iterator[AuditEvent]:
    """Every matching line, newest first, read in keyset chunks (flat memory)."""
    events = audit_events(user=user, filters=filters)
    before = None
    while True:
        page = events if before is None else events.filter(id__lt=before)
        rows = list(page.order_by("-id")[:chunk])
        yield from rows
        if len(rows) < chunk:
            return
        before = rows[-1].id
