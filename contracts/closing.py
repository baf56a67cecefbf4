"""Closing the contract months that are over (DOMAIN.md §6): the monthly scorecards.

`contracts_close_due_months(as_of=…)` finds every running contract, works out from stored
dates which of its months are over and not yet closed, pools each month's KPI days in the
database and writes one immutable `ContractPeriod` per month. It is idempotent (the unique
constraint `contract_period_one_per_month`, and each batch locks its contracts, so a second
run waits and then finds the months made) and catches up: a job that did not run for months
closes every month it missed. Each batch takes a constant number of queries, whatever its
size. A contract whose last month is closed is marked ended.

The scorecard e-mail is claimed once (`sending` flips in one UPDATE) before it is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from common import events
from pilots.kpi_days import kpi_sums, totals_from_sums
from pilots.kpis import KpiTotals, q2

from .alerts import contract_alerts_refresh
from .emails import period_messages
from .models import Contract, ContractKpiEntry, ContractPeriod, ContractStatus
from .periods import Period, due_periods, evaluate_period, totals_sum

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
PENDING_EMAIL_DAYS = 14
STALE_CLAIM_AGE = timedelta(minutes=10)


@dataclass
class CloseResult:
    created: list[ContractPeriod] = field(default_factory=list)


def period_build(*, contract: Contract, period: Period, totals: KpiTotals) -> ContractPeriod:
    """An unsaved monthly scorecard (full precision inside, cents and 2 decimals stored)."""
    result = evaluate_period(
        totals=totals,
        targets=contract.targets,
        period=period,
        monthly_charge=contract.monthly_charge,
        credit_pct_per_missed_kpi=contract.credit_pct_per_missed_kpi,
        credit_cap_pct=contract.credit_cap_pct,
    )
    return ContractPeriod(
        contract=contract,
        month=period.month,
        date_from=period.date_from,
        date_to=period.date_to,
        kpis={key: r.as_dict() for key, r in result.kpis.items()},
        met_count=result.met_count,
        data_coverage_pct=q2(result.data_coverage_pct),
        standing=result.standing,
        cost=q2(result.cost),
        credit=q2(result.credit),
        details={
            "days": period.days,
            "totals": {
                "days_with_entry": totals.days_with_entry,
                "tickets": totals.tickets,
                "csat_responses": totals.csat_responses,
                "csat_positive": totals.csat_positive,
                "fcr_resolved": totals.fcr_resolved,
                "cost": str(totals.cost),
                "qa_sampled": totals.qa_sampled,
            },
            "credit_terms": {
                "pct_per_missed_kpi": str(contract.credit_pct_per_missed_kpi),
                "cap_pct": str(contract.credit_cap_pct),
                "monthly_charge": str(contract.monthly_charge),
                # Σ contract days in each calendar month / its days (DOMAIN.md §6, pro rata).
                "month_share": str(period.month_share),
            },
        },
    )


def contracts_to_close(*, as_of: date):
    """Running contracts whose first month may be over. Ended contracts have every month
    closed; terminated ones get no further months."""
    return Contract.objects.filter(status=ContractStatus.RUNNING, start_date__lt=as_of)


def contracts_close_due_months(
    *,
    as_of: date,
    batch_size: int = BATCH_SIZE,
    on_created: Callable[[list[int]], None] | None = None,
) -> CloseResult:
    """Close every month that is over as of `as_of`; `on_created(ids)` runs after each
    batch commits (the Celery task enqueues the e-mails there)."""
    result = CloseResult()
    candidates = contracts_to_close(as_of=as_of).order_by("pk")
    last_id = 0
    while True:
        ids = list(candidates.filter(pk__gt=last_id).values_list("pk", flat=True)[:batch_size])
        if not ids:
            return result
        last_id = ids[-1]
        with transaction.atomic():
            created = _close_batch(ids, as_of=as_of)
            if on_created is not None and created:
                transaction.on_commit(partial(on_created, [p.pk for p in created]))
        result.created.extend(created)


def _close_batch(ids: list[int], *, as_of: date) -> list[ContractPeriod]:
    """Within the caller's transaction: at most eleven queries for the whole batch."""
    # 1. Lock the batch (in id order, so two runs never deadlock).
    contracts = list(
        Contract.objects.filter(pk__in=ids, status=ContractStatus.RUNNING)
        .select_related("vendor")
        .order_by("pk")
        .select_for_update(of=("self",))
    )
    if not contracts:
        return []
    # 2. The months already closed.
    existing = set(
        ContractPeriod.objects.filter(contract_id__in=[c.pk for c in contracts]).values_list(
            "contract_id", "month"
        )
    )
    due: dict[int, list[Period]] = {}
    for contract in contracts:
        months = [
            p
            for p in due_periods(contract.start_date, contract.months, as_of)
            if (contract.pk, p.month) not in existing
        ]
        if months:
            due[contract.pk] = months
    created: list[ContractPeriod] = []
    if due:
        # 3. Every due period's sums in one query: group by contract and calendar month, then
        # add up the calendar months of each period (a short first or last month joins its
        # neighbour); days outside the term are refused on entry.
        first = min(p.date_from for months in due.values() for p in months)
        last = max(p.date_to for months in due.values() for p in months)
        rows = (
            ContractKpiEntry.objects.filter(
                contract_id__in=list(due), day__gte=first, day__lte=last
            )
            .annotate(month=TruncMonth("day"))
            .order_by()
            .values("contract_id", "month")
            .annotate(**kpi_sums())
        )
        by_month = {
            (row["contract_id"], _as_date(row["month"])): totals_from_sums(row) for row in rows
        }
        by_id = {c.pk: c for c in contracts}
        cards = [
            period_build(
                contract=by_id[pk],
                period=period,
                totals=totals_sum(
                    [
                        by_month.get((pk, first), KpiTotals())
                        for first, _days, _length in period.calendar_months
                    ]
                ),
            )
            for pk, months in due.items()
            for period in months
        ]
        # 4. One insert.
        created = ContractPeriod.objects.bulk_create(cards)
        events.emit(
            events.CONTRACT_MONTH_CLOSED,
            (
                {
                    "contract_period_id": p.pk,
                    "contract_id": p.contract_id,
                    "month": p.month.isoformat(),
                    "standing": p.standing,
                    "met_count": p.met_count,
                    "cost": str(p.cost),
                    "credit": str(p.credit),
                }
                for p in created
            ),
        )
    # 5. A contract whose term is over and whose last month is now closed has ended.
    ended = [c.pk for c in contracts if as_of > c.end_date]
    if ended:
        Contract.objects.filter(pk__in=ended, status=ContractStatus.RUNNING).update(
            status=ContractStatus.ENDED
        )
    # 6–11. The alerts of the batch (three poor months in a row, overdue actions).
    contract_alerts_refresh(contract_ids=[c.pk for c in contracts], as_of=as_of)
    return created


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


# --- The scorecard e-mail: claim once, send, record -------------------------------------------


def period_email_claim(*, period_id: int, now=None) -> bool:
    """True for exactly one caller: the one whose UPDATE took the claim. A claim older than
    STALE_CLAIM_AGE was left by a worker that died mid-send and may be taken over."""
    now = now or timezone.now()
    free = Q(sending=False) | Q(sending_at__lt=now - STALE_CLAIM_AGE) | Q(sending_at=None)
    return (
        ContractPeriod.objects.filter(free, pk=period_id, emailed_at=None).update(
            sending=True, sending_at=now, send_attempts=F("send_attempts") + 1
        )
        == 1
    )


def period_email_deliver(*, period_id: int) -> int:
    """Send a claimed monthly scorecard and record `emailed_at`; SMTP errors propagate."""
    period = ContractPeriod.objects.select_related("contract__vendor").get(pk=period_id)
    messages = period_messages(period)
    if messages:
        with get_connection(fail_silently=False) as connection:
            connection.send_messages(messages)
    ContractPeriod.objects.filter(pk=period_id).update(emailed_at=timezone.now(), sending=False)
    return len(messages)


def period_email_release(*, period_id: int) -> None:
    ContractPeriod.objects.filter(pk=period_id, emailed_at=None).update(sending=False)


def period_email_send_now(*, period_id: int) -> bool:
    """Claim and send in this process (the command). A failure frees the claim."""
    if not period_email_claim(period_id=period_id):
        return False
    try:
        period_email_deliver(period_id=period_id)
    except Exception:
        logger.exception("monthly scorecard %s e-mail failed", period_id)
        period_email_release(period_id=period_id)
        return False
    return True


def periods_pending_email(*, now=None) -> list[int]:
    """Monthly scorecards of the last two weeks whose e-mail is neither sent nor in flight
    (a stale claim counts as free)."""
    now = now or timezone.now()
    return list(
        ContractPeriod.objects.filter(
            Q(sending=False) | Q(sending_at__lt=now - STALE_CLAIM_AGE),
            emailed_at=None,
            created_at__gte=now - timedelta(days=PENDING_EMAIL_DAYS),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
