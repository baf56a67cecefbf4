"""Contract alerts (docs/domain.md §6), one open alert per cause as for pilots:

- `exit_review` (key: the first period of the run, "2027-01"): three closed periods in a row
  are poor. It stays open until a manager acknowledges it with a note (kept in the review
  log), even if a later month is good. A fourth poor month is the same run — the same cause
  — so it raises nothing new, even once the alert was acknowledged.
- `action_overdue` (key: the action's id): a review action is past its due date and not done;
  closes once it is done.
- `missing_day` (key: the ISO date): a day of a running contract that is over, not yet in a
  closed period (a closed period's scorecard counts it in its coverage) and at most
  MISSING_DAY_WINDOW days back, has no entry; closes once the entry exists or its period
  closes.
- `kpi_off_target` (key: the KPI): the KPI pooled over the last 7 days misses its target, as
  for a pilot; closes when it is back on target or the contract is over.

`contract_alerts_refresh` handles a batch of contracts with a constant number of queries.
Every open or close forgets the cached count of the one alerts list (`pilots.selectors`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common import events
from common.bulk import bulk_insert
from kpis import rules as kpis
from kpis.days import kpi_totals_by
from kpis.presentation import format_kpi, kpi_label
from pilots.selectors import open_alert_count_changed

from .models import (
    Contract,
    ContractAlert,
    ContractAlertKind,
    ContractKpiEntry,
    ContractPeriod,
    ContractStatus,
    Review,
    ReviewAction,
    ReviewKind,
)
from .periods import poor_run_start

logger = logging.getLogger(__name__)

OFF_TARGET_WINDOW_DAYS = 7  # docs/domain.md §5, as for pilots: "the last 7 days"
MISSING_DAY_WINDOW = 31  # older gaps are the closed period's coverage, not a live alert
# Alerts that close only by a manager's acknowledgement, never by themselves.
STICKY_KINDS = (ContractAlertKind.EXIT_REVIEW,)
_NO_DAYS = kpis.KpiTotals()  # the sums of a week without entries


def contract_alerts_refresh(
    *, contract_ids: Iterable[int], as_of: date, contracts: Iterable[Contract] | None = None
) -> None:
    """Open and close the alerts of these contracts as of `as_of` (the days before it are
    over): eight queries at most, whatever their number. `contracts`: the same contracts as
    loaded (and locked) by the caller, current in memory, to spare reading them again."""
    ids = list(contract_ids)
    if not ids:
        return
    yesterday = as_of - timedelta(days=1)
    wanted: dict[tuple[int, str, str], dict] = {}

    # 1. The contracts (dates, status, targets).
    if contracts is None:
        contracts_by_id = {c.pk: c for c in Contract.objects.filter(pk__in=ids)}
    else:
        contracts_by_id = {c.pk: c for c in contracts}
        if set(contracts_by_id) != set(ids):
            raise ValueError("contract_alerts_refresh: `contracts` must be the contract_ids'")

    # 2. The closed periods, oldest first: the trailing run of poor ones, and the last day
    # a closed period covers.
    history: dict[int, list[tuple[date, str]]] = {pk: [] for pk in ids}
    closed_until: dict[int, date] = {}
    for contract_id, month, standing, date_to in (
        ContractPeriod.objects.filter(contract_id__in=ids)
        .order_by("contract_id", "month")
        .values_list("contract_id", "month", "standing", "date_to")
    ):
        history[contract_id].append((month, standing))
        closed_until[contract_id] = max(date_to, closed_until.get(contract_id, date_to))
    for contract_id, months in history.items():
        start = poor_run_start(months)
        if start is not None:
            run = [m for m, _s in months if m >= start]
            wanted[(contract_id, ContractAlertKind.EXIT_REVIEW, f"{start:%Y-%m}")] = {
                "from": f"{start:%Y-%m}",
                "to": f"{run[-1]:%Y-%m}",
                "months": len(run),
            }

    # 3. Review actions past their due date and not done.
    for action_id, contract_id, due, text, owner in ReviewAction.objects.filter(
        review__contract_id__in=ids, done=False, due_date__lt=as_of
    ).values_list("pk", "review__contract_id", "due_date", "text", "owner"):
        wanted[(contract_id, ContractAlertKind.ACTION_OVERDUE, str(action_id))] = {
            "due_date": due.isoformat(),
            "text": text[:200],
            "owner": owner,
        }

    # 4–5. Missing days and the last 7 days' KPIs of the running contracts.
    _live_causes(contracts_by_id, closed_until, as_of=as_of, yesterday=yesterday, wanted=wanted)

    # 6. The alerts already raised: open ones to close, refresh or keep; an exit review raised
    # once for a run (even if acknowledged and closed since) is not raised again.
    existing = list(ContractAlert.objects.filter(contract_id__in=ids))
    open_ = {(a.contract_id, a.kind, a.key): a for a in existing if a.closed_at is None}
    raised_runs = {
        (a.contract_id, a.kind, a.key) for a in existing if a.kind == ContractAlertKind.EXIT_REVIEW
    }
    to_close = [
        alert.pk
        for cause, alert in open_.items()
        if cause not in wanted and alert.kind not in STICKY_KINDS
    ]
    to_refresh = []
    for cause, alert in open_.items():
        params = wanted.get(cause)
        if params is not None and alert.params != params:
            alert.params = params
            to_refresh.append(alert)
    new = [
        ContractAlert(contract_id=c, kind=k, key=key, params=params)
        for (c, k, key), params in wanted.items()
        if (c, k, key) not in open_ and (c, k, key) not in raised_runs
    ]
    with transaction.atomic():
        if to_close:  # 7.
            ContractAlert.objects.filter(pk__in=to_close).update(closed_at=timezone.now())
        if to_refresh:  # 8.
            ContractAlert.objects.bulk_update(to_refresh, ["params"])
        if new:  # 9.
            bulk_insert(new, ignore_conflicts=True)
            events.emit(
                events.ALERT_OPENED,
                (
                    {
                        "scope": "contract",
                        "contract_id": a.contract_id,
                        "kind": a.kind,
                        "key": a.key,
                    }
                    for a in new
                ),
            )
        if to_close or new:
            open_alert_count_changed()


def _live_causes(
    contracts: dict[int, Contract],
    closed_until: dict[int, date],
    *,
    as_of: date,
    yesterday: date,
    wanted: dict,
) -> None:
    """Missing days and KPIs off target of the running contracts (two queries)."""
    windows: dict[int, tuple[date, date]] = {}
    for pk, contract in contracts.items():
        if contract.status != ContractStatus.RUNNING:
            continue
        first = max(
            contract.start_date,
            closed_until.get(pk, contract.start_date - timedelta(days=1)) + timedelta(days=1),
            as_of - timedelta(days=MISSING_DAY_WINDOW),
        )
        last = min(yesterday, contract.end_date)
        if first <= last:
            windows[pk] = (first, last)
    if windows:
        have: dict[int, set[date]] = {pk: set() for pk in windows}
        for contract_id, day in ContractKpiEntry.objects.filter(
            contract_id__in=list(windows),
            day__gte=min(first for first, _last in windows.values()),
            day__lte=yesterday,
        ).values_list("contract_id", "day"):
            have[contract_id].add(day)
        for pk, (first, last) in windows.items():
            for offset in range((last - first).days + 1):
                day = first + timedelta(days=offset)
                if day not in have[pk]:
                    wanted[(pk, ContractAlertKind.MISSING_DAY, day.isoformat())] = {}

    week_from = as_of - timedelta(days=OFF_TARGET_WINDOW_DAYS)
    watched = [
        c
        for c in contracts.values()
        if c.status == ContractStatus.RUNNING
        and yesterday <= c.end_date
        and (as_of - c.start_date).days >= OFF_TARGET_WINDOW_DAYS  # a week of days to judge
    ]
    if not watched:
        return
    week = kpi_totals_by(
        ContractKpiEntry.objects.filter(
            contract_id__in=[c.pk for c in watched], day__gte=week_from, day__lte=yesterday
        ),
        "contract_id",
    )
    for contract in watched:
        pooled = week.get(contract.pk, _NO_DAYS).pooled(kpis.KPI_KEYS)
        targets = contract.targets
        for key in kpis.KPI_KEYS:
            value = pooled[key]
            # No value (no tickets or no responses) is a missing-day matter, not off target.
            if value is not None and not kpis.is_met(key, value, targets[key]):
                wanted[(contract.pk, ContractAlertKind.KPI_OFF_TARGET, key)] = {
                    "value": kpis.s2(value),
                    "target": kpis.s2(targets[key]),
                }


def contract_alert_acknowledge(*, alert: ContractAlert, by, note: str = "") -> ContractAlert:
    """Someone has seen it. An exit review closes only this way: a manager with a note, which
    is kept in the review log (a review of kind "exit review"). The other alerts record the
    acknowledgement and stay open until their cause is gone. Raises PermissionDenied for an
    exit review acknowledged by someone else than a manager, ValidationError({"note": …})
    without a note."""
    note = (note or "").strip()
    if alert.kind == ContractAlertKind.EXIT_REVIEW:
        if not getattr(by, "is_manager", False):
            raise PermissionDenied(_("Only a manager acknowledges an exit review."))
        if not note:
            raise ValidationError(
                {
                    "note": _(
                        "Write what was decided about the exit review (kept in the review log)."
                    )
                }
            )
    now = timezone.now()
    with transaction.atomic():
        alert = ContractAlert.objects.select_for_update().get(pk=alert.pk)
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by = now, by
            alert.acknowledged_note = note
        fields = ["acknowledged_at", "acknowledged_by", "acknowledged_note", "closed_at"]
        if alert.kind == ContractAlertKind.EXIT_REVIEW and alert.closed_at is None:
            alert.closed_at = now
            review = Review(
                contract_id=alert.contract_id,
                date=timezone.localdate(now),
                kind=ReviewKind.EXIT_REVIEW,
                attendees=str(getattr(by, "full_name", "") or by.email)[:500],
                notes=_("Exit review (%(months)s poor months since %(start)s): %(note)s")
                % {
                    "months": (alert.params or {}).get("months", 3),
                    "start": (alert.params or {}).get("from", alert.key),
                    "note": note,
                },
                created_by=by,
            )
            review._history_user = by
            review.save()
            alert.params = {**(alert.params or {}), "review_id": review.pk}
            fields.append("params")
        alert.save(update_fields=fields)
        open_alert_count_changed()
    return alert


def contract_alert_message(alert: ContractAlert) -> str:
    """One sentence in the active language."""
    params = alert.params or {}
    if alert.kind == ContractAlertKind.EXIT_REVIEW:
        return _(
            "%(months)s poor months in a row (since %(start)s): review the contract's exit clauses."
        ) % {"months": params.get("months", 3), "start": params.get("from", alert.key)}
    if alert.kind == ContractAlertKind.ACTION_OVERDUE:
        due = params.get("due_date")
        return _("Review action overdue since %(due)s: %(text)s (%(owner)s).") % {
            "due": date_format(date.fromisoformat(due), "DATE_FORMAT") if due else "?",
            "text": params.get("text", ""),
            "owner": params.get("owner", ""),
        }
    if alert.kind == ContractAlertKind.MISSING_DAY:
        return _("No KPI entry for %(day)s.") % {
            "day": date_format(date.fromisoformat(alert.key), "DATE_FORMAT")
        }
    if alert.kind == ContractAlertKind.KPI_OFF_TARGET:
        return _("%(kpi)s over the last 7 days is %(value)s against a target of %(target)s.") % {
            "kpi": kpi_label(alert.key),
            "value": format_kpi(alert.key, params.get("value")),
            "target": format_kpi(alert.key, params.get("target")),
        }
    return str(alert.get_kind_display())
