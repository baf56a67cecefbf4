"""The weekly digest (docs/domain.md §7): every Monday morning each manager gets one e-mail with
the running pilots (day N of M, KPIs met so far, coverage), the checkpoints due in the next
7 days, the open alerts and — from `common.hooks.digest_sections`, registered by contracts —
the contracts' latest standings.

Once per manager and week: the outbox cause is the week's Monday. Optional: a manager who
switched the digest off gets none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.urls import reverse
from django.utils import translation

from accounts import preferences
from accounts.models import Role, User
from common import hooks, outbox
from common.emails import absolute_url, make_message, recipient_name
from common.models import OutboxMessage
from kpis import rules as kpis
from kpis.definitions import CORE_COUNT, CORE_KEYS

from .evaluation.alert_list import AlertList
from .models import Pilot, PilotStatus
from .selectors import kpi_totals, pilot_status_q

DIGEST_ALERTS = 50  # the newest; the rest are one click away
KIND = "weekly_digest"
LOOKAHEAD_DAYS = 7


@dataclass(frozen=True)
class PilotLine:
    pilot: Pilot
    day: int
    length_days: int
    met_count: int  # of the core KPIs
    coverage_pct: Decimal
    url: str
    # The tracked extras' results so far (the KPI table's order), must-meets marked.
    extras: tuple[kpis.KpiResult, ...] = ()
    core_count: int = CORE_COUNT


@dataclass(frozen=True)
class CheckpointLine:
    pilot: Pilot
    checkpoint_day: int
    due_on: date  # the first day on which it is due (day N is over)
    decision: bool


def week_of(as_of: date) -> date:
    """The Monday of `as_of`'s week: the digest's moment."""
    return as_of - timedelta(days=as_of.weekday())


def _pilots_for(manager: User, pilots: list[Pilot]) -> list[Pilot]:
    """A pilot with chosen managers informs those; one without informs every manager."""
    return [p for p in pilots if not p.chosen or manager.pk in p.chosen]


def digest_data(*, as_of: date) -> dict:
    """What every manager's digest is made of (a constant number of queries)."""
    pilots = list(
        Pilot.objects.filter(pilot_status_q(PilotStatus.RUNNING, as_of))
        .select_related("vendor")
        .prefetch_related("managers")
        .order_by("start_date", "pk")
    )
    for pilot in pilots:
        pilot.chosen = {m.pk for m in pilot.managers.all()}
    yesterday = as_of - timedelta(days=1)
    totals = kpi_totals(pilot_ids=[p.pk for p in pilots], date_to=yesterday)
    lines, checkpoints = [], []
    for pilot in pilots:
        days_over = max(0, min(pilot.length_days, (as_of - pilot.start_date).days))
        pilot_totals = totals.get(pilot.pk, kpis.KpiTotals())
        result = kpis.evaluate(
            totals=pilot_totals,
            targets=pilot.targets,
            window_days=max(days_over, 1),
            decision=False,
            must_meet=pilot.must_meet or (),
        )
        lines.append(
            PilotLine(
                pilot=pilot,
                day=pilot.day_on(as_of),
                length_days=pilot.length_days,
                met_count=result.met_count,
                coverage_pct=result.data_coverage_pct if days_over else Decimal(0),
                url=absolute_url(reverse("pilots:pilot_detail", args=[pilot.pk])),
                extras=tuple(r for key, r in result.kpis.items() if key not in CORE_KEYS),
            )
        )
        decision_day = kpis.decision_checkpoint_day(pilot.length_days)
        for day in kpis.checkpoint_days(pilot.length_days):
            due_on = pilot.start_date + timedelta(days=day)
            if as_of <= due_on < as_of + timedelta(days=LOOKAHEAD_DAYS):
                checkpoints.append(CheckpointLine(pilot, day, due_on, day == decision_day))
    # The one alerts list: pilots' and contracts' open alerts (docs/domain.md §6).
    return {
        "lines": lines,
        "checkpoints": sorted(checkpoints, key=lambda c: c.due_on),
        "alert_count": AlertList("open").count(),
    }


def _message(manager: User, *, data: dict, as_of: date, unsubscribe_url: str | None = None):
    language = manager.language
    with translation.override(language):
        alerts = AlertList("open")[:DIGEST_ALERTS]  # worded in the manager's language
        sections = [
            section
            for provider in hooks.digest_sections
            if (section := provider(manager, as_of)) is not None
        ]
    pilots = {p.pk for p in _pilots_for(manager, [line.pilot for line in data["lines"]])}
    return make_message(
        "weekly-digest",
        to=[manager.email],
        language=language,
        context={
            "name": recipient_name(manager),
            "week": week_of(as_of),
            "lines": [line for line in data["lines"] if line.pilot.pk in pilots],
            "checkpoints": [c for c in data["checkpoints"] if c.pilot.pk in pilots],
            "alerts": alerts,
            "alert_count": data["alert_count"],
            "sections": sections,
            "alerts_url": absolute_url(reverse("pilots:alert_list")),
        },
        unsubscribe_url=unsubscribe_url,
    )


def digest_recipients():
    return User.objects.filter(role=Role.MANAGER, is_active=True).order_by("pk")


def weekly_digest_enqueue(*, as_of: date) -> int:
    """Queue one digest per manager for `as_of`'s week (the data read only when a manager
    is still without one)."""
    week = week_of(as_of).isoformat()
    queued = set(
        OutboxMessage.objects.filter(kind=KIND, cause=week).values_list("recipient_id", flat=True)
    )
    # Managers who switched the digest off are left out before its data is read.
    managers = [m for m in digest_recipients() if m.pk not in queued and preferences.wants(m, KIND)]
    if not managers:
        return 0
    data = digest_data(as_of=as_of)
    drafts = [
        outbox.Draft(
            cause=week, recipient=manager, render=partial(_message, manager, data=data, as_of=as_of)
        )
        for manager in managers
    ]
    return len(outbox.enqueue(KIND, drafts))


def weekly_digest_send(*, as_of: date) -> list[OutboxMessage]:
    """Queue the week's digests and send them in this process; return those sent by this run."""
    weekly_digest_enqueue(as_of=as_of)
    return outbox.send_due(kinds=[KIND])
