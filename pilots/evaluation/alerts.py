"""Alerts (docs/domain.md §5, last bullet): open, refresh and close them.

One open alert per cause — (pilot, kind, key) — enforced by the partial unique constraint
`alert_one_open_per_cause`; opening an alert that is already open changes nothing (the
insert is ignored on conflict), so the sweep, two workers or a retry never make a second
one. An alert closes when its cause is gone:

- `missing_day` (key: the ISO date): a day of a running pilot that is over has no entry;
  closes once the entry exists (a late entry closes it at the next sweep).
- `kpi_off_target` (key: the KPI): the KPI pooled over the last 7 days misses its target;
  closes when it is back on target or the pilot is over.
- `checkpoint_reached` (key: the checkpoint day): a scorecard was made; closes when someone
  acknowledges it, or when the decision (or exit evaluation) it asks for is recorded.
- `evaluation_failed` (key: ""): the sweep could not evaluate the pilot; closes when a
  later run succeeds.
- `email_failed` (key: the checkpoint day): the scorecard e-mail kept failing; closes when
  it is sent.

The refresh runs in batches with a constant number of queries per batch.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, F, IntegerField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common import events
from common.bulk import bulk_insert
from kpis import rules as kpis
from kpis.days import DatePlusDays, kpi_sums, totals_from_sums
from kpis.models import TARGETS_MODEL_FIELDS
from kpis.presentation import format_kpi, kpi_label
from pilots.models import Alert, AlertKind, Decision, KpiEntry, Pilot, PilotStatus
from pilots.presentation import verdict_label
from pilots.selectors import open_alert_count_changed

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
OFF_TARGET_WINDOW_DAYS = 7  # docs/domain.md §5: "a KPI whose last 7 days miss the target"
MONITORED_KINDS = (AlertKind.MISSING_DAY, AlertKind.KPI_OFF_TARGET)
_NO_DAYS = kpis.KpiTotals()  # the sums of a week without entries


# --- Single alerts -------------------------------------------------------------------------


def alert_open(*, pilot_id: int, kind: str, key: str = "", params: dict | None = None) -> None:
    """Open the alert for this cause unless it is open already (then refresh its details)."""
    params = params or {}
    with transaction.atomic():
        opened = not Alert.objects.filter(
            pilot_id=pilot_id, kind=kind, key=key, closed_at=None
        ).exists()
        alert = Alert(pilot_id=pilot_id, kind=kind, key=key, params=params)
        Alert.objects.bulk_create([alert], ignore_conflicts=True)
        if opened:
            emit_alerts_opened([alert])
        Alert.objects.filter(pilot_id=pilot_id, kind=kind, key=key, closed_at=None).exclude(
            params=params
        ).update(params=params)
        open_alert_count_changed()


def emit_alerts_opened(alerts: Iterable[Alert]) -> None:
    """The `alert.opened` event of new alerts (webhooks), in the caller's transaction."""
    events.emit(
        events.ALERT_OPENED,
        ({"scope": "pilot", "pilot_id": a.pilot_id, "kind": a.kind, "key": a.key} for a in alerts),
    )


def alerts_close(
    *, pilot_ids: Iterable[int] | None = None, kind: str | None = None, key: str | None = None
) -> int:
    """Close the open alerts that match: their cause is gone."""
    alerts = Alert.objects.filter(closed_at__isnull=True)
    if pilot_ids is not None:
        alerts = alerts.filter(pilot_id__in=list(pilot_ids))
    if kind is not None:
        alerts = alerts.filter(kind=kind)
    if key is not None:
        alerts = alerts.filter(key=key)
    closed = alerts.update(closed_at=timezone.now())
    if closed:
        open_alert_count_changed()
    return closed


def alert_acknowledge(*, alert: Alert, by, note: str = "") -> Alert:
    """Someone has seen it (with an optional note). A checkpoint alert only asks to be seen,
    so it closes too; the other alerts stay open until their cause is gone."""
    now = timezone.now()
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.acknowledged_at is None:
            alert.acknowledged_at = now
            alert.acknowledged_by = by
            alert.acknowledged_note = (note or "").strip()
        if alert.kind == AlertKind.CHECKPOINT_REACHED and alert.closed_at is None:
            alert.closed_at = now
        alert.full_clean(validate_constraints=False)
        alert.save(
            update_fields=["acknowledged_at", "acknowledged_by", "acknowledged_note", "closed_at"]
        )
        open_alert_count_changed()
    return alert


# --- What an alert says ----------------------------------------------------------------------


def alert_message(alert: Alert) -> str:
    """One sentence in the active language."""
    params = alert.params or {}
    if alert.kind == AlertKind.MISSING_DAY:
        day = date.fromisoformat(alert.key)
        return _("No KPI entry for %(day)s.") % {"day": date_format(day, "DATE_FORMAT")}
    if alert.kind == AlertKind.KPI_OFF_TARGET:
        key = alert.key
        return _("%(kpi)s over the last 7 days is %(value)s against a target of %(target)s.") % {
            "kpi": kpi_label(key),
            "value": format_kpi(key, params.get("value")),
            "target": format_kpi(key, params.get("target")),
        }
    if alert.kind == AlertKind.CHECKPOINT_REACHED:
        text = _("Day %(day)s checkpoint reached: %(met)s of 5 KPIs met.") % {
            "day": alert.key,
            "met": params.get("met_count", "—"),
        }
        if params.get("verdict"):
            text += " " + _("Verdict: %(verdict)s.") % {"verdict": verdict_label(params["verdict"])}
        return text
    if alert.kind == AlertKind.EVALUATION_FAILED:
        return _(
            "The evaluation of this pilot failed (%(error)s). It is retried automatically."
        ) % {"error": params.get("error", "?")}
    if alert.kind == AlertKind.EMAIL_FAILED:
        return _(
            "The day %(day)s scorecard e-mail could not be sent after %(attempts)s attempts "
            "(%(error)s). It is retried at the next daily run."
        ) % {
            "day": alert.key,
            "attempts": params.get("attempts", "?"),
            "error": params.get("error", "?"),
        }
    return alert.get_kind_display()


# --- The daily refresh ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Cause:
    kind: str
    key: str
    params: dict


def monitored_pilots(*, as_of: date):
    """Pilots whose daily entries are expected: running, or decided to scale up (the pilot
    goes on to its exit evaluation); not stopped, not closed; day 1 is over."""
    return Pilot.objects.filter(
        Q(status=PilotStatus.RUNNING) | Q(status=PilotStatus.DECIDED, decision=Decision.SCALE_UP),
        start_date__lt=as_of,
    )


def alerts_refresh(*, as_of: date, batch_size: int = BATCH_SIZE) -> None:
    """Open and close the missing-day and KPI alerts as of `as_of` (the sweep's date: the
    days before it are over)."""
    # Pilots no longer monitored (stopped, closed) have nothing left to watch: one query.
    Alert.objects.filter(closed_at__isnull=True, kind__in=MONITORED_KINDS).exclude(
        pilot__in=monitored_pilots(as_of=as_of)
    ).update(closed_at=timezone.now())
    open_alert_count_changed()

    last_id = 0
    pilots = monitored_pilots(as_of=as_of).order_by("pk")
    while True:
        batch = list(
            pilots.filter(pk__gt=last_id).only(
                "id", "start_date", "length_days", *TARGETS_MODEL_FIELDS
            )[:batch_size]
        )
        if not batch:
            return
        last_id = batch[-1].pk
        try:
            with transaction.atomic():
                _refresh_batch(batch, as_of=as_of)
        except Exception:
            # Alerts are advisory: a failing batch is logged and refreshed on the next run;
            # it must not stop the rest of the sweep.
            logger.exception("alerts refresh failed for pilots %s..%s", batch[0].pk, last_id)


def pilot_alerts_refresh(*, pilot_id: int, as_of: date) -> None:
    """One pilot's missing-day and KPI alerts, right after a day's entry is saved (docs/domain.md
    §5: refreshed on entry, not only by the daily sweep). Seven queries at most."""
    batch = list(monitored_pilots(as_of=as_of).filter(pk=pilot_id))
    if batch:
        with transaction.atomic():
            _refresh_batch(batch, as_of=as_of)


def _refresh_batch(batch: list[Pilot], *, as_of: date) -> None:
    """Five queries at most, whatever the batch size."""
    ids = [p.pk for p in batch]
    yesterday = as_of - timedelta(days=1)
    week_from = as_of - timedelta(days=OFF_TARGET_WINDOW_DAYS)
    causes: dict[int, list[_Cause]] = {p.pk: [] for p in batch}

    # 1. One pass over each pilot's days that are over: how many of its own days have an
    # entry, and the KPI sums of the last 7 days (the same dates for every pilot).
    in_window = Q(
        day__gte=F("pilot__start_date"),
        day__lte=DatePlusDays(
            F("pilot__start_date"), Cast(F("pilot__length_days") - 1, output_field=IntegerField())
        ),
    )
    rows = (
        KpiEntry.objects.filter(pilot_id__in=ids, day__lte=yesterday)
        .order_by()
        .values("pilot_id")
        .annotate(n=Count("id", filter=in_window), **kpi_sums(only=Q(day__gte=week_from)))
    )
    counts: dict[int, int] = {}
    week: dict[int, kpis.KpiTotals] = {}
    for row in rows:
        counts[row["pilot_id"]] = row["n"]
        week[row["pilot_id"]] = totals_from_sums(row)
    for pilot in batch:
        if yesterday > pilot.end_date:
            continue  # the pilot is over: nothing left to watch live
        if (as_of - pilot.start_date).days < OFF_TARGET_WINDOW_DAYS:
            continue  # not yet a week of days to judge: one bad first day is no trend
        targets = pilot.targets
        # The five and the tracked extras (docs/domain.md §5).
        pooled = week.get(pilot.pk, _NO_DAYS).pooled(targets)
        for key in targets:
            value = pooled[key]
            # No value (no tickets or no responses) is a missing-day matter, not off target.
            if value is not None and not kpis.is_met(key, value, targets[key]):
                causes[pilot.pk].append(
                    _Cause(
                        AlertKind.KPI_OFF_TARGET,
                        key,
                        {"value": kpis.s2(value), "target": kpis.s2(targets[key])},
                    )
                )

    # 2. Days with an entry among the days that are over (counted above).
    expected = {p.pk: max(0, min(p.length_days, (as_of - p.start_date).days)) for p in batch}
    short = [pk for pk in ids if counts.get(pk, 0) < expected[pk]]

    # 2b. Only for pilots with a gap: which days (one query).
    if short:
        have: dict[int, set[date]] = {pk: set() for pk in short}
        for pilot_id, day in KpiEntry.objects.filter(
            pilot_id__in=short, day__lte=yesterday
        ).values_list("pilot_id", "day"):
            have[pilot_id].add(day)
        by_id = {p.pk: p for p in batch}
        for pk in short:
            pilot = by_id[pk]
            for offset in range(expected[pk]):
                day = pilot.start_date + timedelta(days=offset)
                if day not in have[pk]:
                    causes[pk].append(_Cause(AlertKind.MISSING_DAY, day.isoformat(), {}))

    # 3. The open alerts of these kinds, to close and to refresh (one query).
    open_alerts = list(
        Alert.objects.filter(pilot_id__in=ids, kind__in=MONITORED_KINDS, closed_at__isnull=True)
    )
    wanted = {(pk, c.kind, c.key): c for pk, items in causes.items() for c in items}
    to_close = [a.pk for a in open_alerts if (a.pilot_id, a.kind, a.key) not in wanted]
    to_refresh = []
    for alert in open_alerts:
        cause = wanted.get((alert.pilot_id, alert.kind, alert.key))
        if cause is not None and alert.params != cause.params:
            alert.params = cause.params
            to_refresh.append(alert)
    already = {(a.pilot_id, a.kind, a.key) for a in open_alerts}

    # 4–6. Close, refresh, open (one query each).
    if to_close:
        Alert.objects.filter(pk__in=to_close).update(closed_at=timezone.now())
    if to_refresh:
        Alert.objects.bulk_update(to_refresh, ["params"])
    new = [
        Alert(pilot_id=pk, kind=kind, key=key, params=cause.params)
        for (pk, kind, key), cause in wanted.items()
        if (pk, kind, key) not in already
    ]
    if new:
        bulk_insert(new, ignore_conflicts=True)
        emit_alerts_opened(new)
    if to_close or new:
        open_alert_count_changed()
