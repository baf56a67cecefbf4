"""The next-morning missing-day reminder (docs/domain.md §7): the users of a vendor whose pilot or
contract lacks yesterday's entry get one reminder for that day, in their language.

What lacks an entry comes from `common.hooks.missing_day_sources`: pilots register their own
below (`pilot_missing_days`), contracts theirs. Each user gets one e-mail for the day listing
every pilot and contract of its vendor that lacks it; the outbox (`common.outbox`) keys it by
(day, recipient), so a second run or a concurrent worker sends nothing new. Optional: a user
who switched reminders off gets none.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.models import User
from common import hooks, outbox
from common.emails import absolute_url, make_message, recipient_name
from common.models import OutboxMessage

from .evaluation.alerts import monitored_pilots
from .models import KpiEntry

KIND = "missing_day"
BATCH_SIZE = 500


def pilot_missing_days(yesterday: date) -> list[hooks.MissingDay]:
    """Monitored pilots whose yesterday was a pilot day without an entry (one query)."""
    entered = KpiEntry.objects.filter(pilot_id=OuterRef("pk"), day=yesterday)
    pilots = (
        monitored_pilots(as_of=yesterday + timedelta(days=1))
        .filter(start_date__lte=yesterday, start_date__gt=yesterday - timedelta(days=90))
        .filter(~Exists(entered))
        .select_related("vendor")
        .only("id", "vendor__name", "vendor_id", "channel", "start_date", "length_days")
    )
    return [
        hooks.MissingDay(
            kind="pilot",
            object_id=pilot.pk,
            vendor_id=pilot.vendor_id,
            day=yesterday,
            title=f"{pilot.vendor.name} — {pilot.get_channel_display()}",
            url=absolute_url(
                reverse("pilots:kpi_entry", args=[pilot.pk]) + f"?day={yesterday.isoformat()}"
            ),
        )
        for pilot in pilots
        if yesterday <= pilot.end_date
    ]


hooks.missing_day_sources.register(pilot_missing_days)


def _message(items: list[hooks.MissingDay], user: User, *, unsubscribe_url: str | None = None):
    with translation.override(user.language or settings.LANGUAGE_CODE):
        day = date_format(items[0].day, "DATE_FORMAT")
    return make_message(
        "missing-day-reminder",
        to=[user.email],
        language=user.language,
        context={"name": recipient_name(user), "items": items, "day": day},
        unsubscribe_url=unsubscribe_url,
    )


def yesterday_at(at: datetime) -> date:
    """The day before `at` in the app's time zone."""
    return timezone.localdate(at) - timedelta(days=1)


def missing_day_reminders_enqueue(*, at: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Queue the reminders for the day before `at`: one e-mail per vendor user listing each
    of its vendor's pilots and contracts without that day's entry. The cause is the day, so
    a user gets one reminder for it, whatever the runs."""
    yesterday = yesterday_at(at)
    by_vendor: dict[int, list[hooks.MissingDay]] = defaultdict(list)
    for source in hooks.missing_day_sources:
        for item in source(yesterday):
            by_vendor[item.vendor_id].append(item)
    vendor_ids = sorted(by_vendor)
    queued = 0
    for start in range(0, len(vendor_ids), batch_size):
        batch = vendor_ids[start : start + batch_size]
        users: dict[int, list[User]] = defaultdict(list)
        for user in User.objects.filter(vendor_id__in=batch, is_active=True).select_related(
            "vendor"
        ):
            users[user.vendor_id].append(user)
        drafts = [
            outbox.Draft(
                cause=yesterday.isoformat(),
                recipient=user,
                render=partial(_message, by_vendor[vendor_id], user),
            )
            for vendor_id in batch
            for user in users[vendor_id]
        ]
        queued += len(outbox.enqueue(KIND, drafts))
    return queued


def missing_day_reminders_send(
    *, at: datetime, batch_size: int = BATCH_SIZE
) -> list[OutboxMessage]:
    """Queue the reminders for the day before `at` and send them in this process; return
    the messages sent by this run."""
    missing_day_reminders_enqueue(at=at, batch_size=batch_size)
    return outbox.send_due(kinds=[KIND])
