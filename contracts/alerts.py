"""Contract alerts (DOMAIN.md §6), one open alert per cause as for pilots:

- `exit_review` (key: the first month of the run, "2027-01"): three closed months in a row are
  poor. A fourth poor month is the same run — the same cause — so it raises nothing new, even
  once the alert was acknowledged; it closes when a month that is not poor closes.
- `action_overdue` (key: the action's id): a review action is past its due date and not done;
  closes once it is done.

`contract_alerts_refresh` handles a batch of contracts with a constant number of queries.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common import events

from .models import ContractAlert, ContractAlertKind, ContractPeriod, ReviewAction
from .periods import poor_run_start

logger = logging.getLogger(__name__)


def contract_alerts_refresh(*, contract_ids: Iterable[int], as_of: date) -> None:
    """Open and close the exit-review and overdue-action alerts of these contracts: six
    queries, whatever their number."""
    ids = list(contract_ids)
    if not ids:
        return
    wanted: dict[tuple[int, str, str], dict] = {}

    # 1. The closed months, oldest first: the trailing run of poor months.
    history: dict[int, list[tuple[date, str]]] = {pk: [] for pk in ids}
    for contract_id, month, standing in (
        ContractPeriod.objects.filter(contract_id__in=ids)
        .order_by("contract_id", "month")
        .values_list("contract_id", "month", "standing")
    ):
        history[contract_id].append((month, standing))
    for contract_id, months in history.items():
        start = poor_run_start(months)
        if start is not None:
            run = [m for m, _s in months if m >= start]
            wanted[(contract_id, ContractAlertKind.EXIT_REVIEW, f"{start:%Y-%m}")] = {
                "from": f"{start:%Y-%m}",
                "to": f"{run[-1]:%Y-%m}",
                "months": len(run),
            }

    # 2. Review actions past their due date and not done.
    for action_id, contract_id, due, text, owner in ReviewAction.objects.filter(
        review__contract_id__in=ids, done=False, due_date__lt=as_of
    ).values_list("pk", "review__contract_id", "due_date", "text", "owner"):
        wanted[(contract_id, ContractAlertKind.ACTION_OVERDUE, str(action_id))] = {
            "due_date": due.isoformat(),
            "text": text[:200],
            "owner": owner,
        }

    # 3. The alerts already raised: open ones to close or keep; an exit review raised once for
    # a run (even if acknowledged and closed since) is not raised again.
    existing = list(
        ContractAlert.objects.filter(contract_id__in=ids).values_list(
            "pk", "contract_id", "kind", "key", "closed_at"
        )
    )
    open_ = {(c, k, key): pk for pk, c, k, key, closed in existing if closed is None}
    raised_runs = {
        (c, k, key) for _pk, c, k, key, _closed in existing if k == ContractAlertKind.EXIT_REVIEW
    }
    to_close = [pk for cause, pk in open_.items() if cause not in wanted]
    new = [
        ContractAlert(contract_id=c, kind=k, key=key, params=params)
        for (c, k, key), params in wanted.items()
        if (c, k, key) not in open_ and (c, k, key) not in raised_runs
    ]
    with transaction.atomic():
        if to_close:  # 4.
            ContractAlert.objects.filter(pk__in=to_close).update(closed_at=timezone.now())
        if new:  # 5.
            ContractAlert.objects.bulk_create(new, ignore_conflicts=True)
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


def contract_alert_acknowledge(*, alert: ContractAlert, by) -> ContractAlert:
    """Someone has seen it. An exit review asks to be seen, so it closes; an overdue action
    stays open until the action is done."""
    now = timezone.now()
    with transaction.atomic():
        alert = ContractAlert.objects.select_for_update().get(pk=alert.pk)
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by = now, by
        if alert.kind == ContractAlertKind.EXIT_REVIEW and alert.closed_at is None:
            alert.closed_at = now
        alert.save(update_fields=["acknowledged_at", "acknowledged_by", "closed_at"])
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
    return str(alert.get_kind_display())
