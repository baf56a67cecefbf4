"""The weekly digest (DOMAIN.md §7): every Monday morning each manager gets one e-mail with
the running pilots (day N of M, KPIs met so far, coverage), the checkpoints due in the next
7 days, the open alerts and — from `common.hooks.digest_sections`, registered by contracts —
the contracts' latest standings.

Once per manager and week: the sent-log key is the week's Monday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.urls import reverse
from django.utils import translation

from accounts.models import Role, User
from common import hooks
from common.emails import absolute_url, make_message, recipient_name
from common.sendlog import Outgoing, send_once

from . import kpis
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
    met_count: int
    coverage_pct: Decimal
    url: str


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
        )
        lines.append(
            PilotLine(
                pilot=pilot,
                day=pilot.day_on(as_of),
                length_days=pilot.length_days,
                met_count=result.met_count,
                coverage_pct=result.data_coverage_pct if days_over else Decimal(0),
                url=absolute_url(reverse("pilots:pilot_detail", args=[pilot.pk])),
            )
        )
        decision_day = kpis.decision_checkpoint_day(pilot.length_days)
        for day in kpis.checkpoint_days(pilot.length_days):
            due_on = pilot.start_date + timedelta(days=day)
            if as_of <= due_on < as_of + timedelta(days=LOOKAHEAD_DAYS):
                checkpoints.append(CheckpointLine(pilot, day, due_on, day == decision_day))
    # The one alerts list: pilots' and contracts' open alerts (DOMAIN.md §6).
    return {
        "lines": lines,
        "checkpoints": sorted(checkpoints, key=lambda c: c.due_on),
        "alert_count": AlertList("open").count(),
    }


def _message(manager: User, *, data: dict, as_of: date):
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
    )


def digest_recipients():
    return User.objects.filter(role=Role.MANAGER, is_active=True).order_by("pk")


def weekly_digest_send(*, as_of: date) -> list[Outgoing]:
    """One digest per manager for `as_of`'s week; return those sent by this run."""
    week = week_of(as_of)
    data = digest_data(as_of=as_of)
    outgoing = [
        Outgoing(
            kind=KIND,
            key=week.isoformat(),
            recipient_id=manager.pk,
            build=partial(_message, manager, data=data, as_of=as_of),
            label=manager.email,
        )
        for manager in digest_recipients()
    ]
    return send_once(outgoing)
