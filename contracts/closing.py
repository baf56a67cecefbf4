"""Closing the contract months that are over (docs/domain.md §6): the monthly scorecards.

`contracts_close_due_months(as_of=…)` finds every running contract, works out from stored
dates which of its months are over and not yet closed, pools each month's KPI days in the
database and writes one immutable `ContractPeriod` per month. It is idempotent (the unique
constraint `contract_period_one_per_month`, and each batch locks its contracts, so a second
run waits and then finds the months made) and catches up: a job that did not run for months
closes every month it missed. Each batch takes a constant number of queries, whatever its
size. A contract whose last month is closed is marked ended.

Each month's scorecard e-mail is queued in the outbox after its batch commits
(`emails.period_emails_enqueue`, by the task or the command); a month whose e-mails were never
queued (the broker was down) is found by `periods_without_email` on the next run. The outbox
sends each message once (`common.outbox`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import TruncMonth
from django.utils import timezone

from common import events
from common.bulk import batches_kept_out_of_gc, bulk_insert
from common.models import OutboxMessage
from kpis.days import kpi_sums, totals_from_sums
from kpis.rules import KpiTotals, q2, totals_snapshot

from .alerts import contract_alerts_refresh
from .models import Contract, ContractKpiEntry, ContractPeriod, ContractStatus
from .periods import Period, due_periods, evaluate_period, totals_sum

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
PENDING_EMAIL_DAYS = 14
_NO_DAYS = KpiTotals()  # the sums of a calendar month without entries


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
        must_meet=contract.must_meet_kpis,
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
            "totals": totals_snapshot(totals),
            "credit_terms": {
                "pct_per_missed_kpi": str(contract.credit_pct_per_missed_kpi),
                "cap_pct": str(contract.credit_cap_pct),
                "monthly_charge": str(contract.monthly_charge),
                # Σ contract days in each calendar month / its days (docs/domain.md §6, pro rata).
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
    with batches_kept_out_of_gc() as batch_done:
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
            batch_done()


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
    # Contracts of a batch mostly share their terms (they start on the first of a month):
    # each term's periods are worked out once.
    periods_of: dict[tuple[date, int], list[Period]] = {}
    for contract in contracts:
        term = (contract.start_date, contract.months)
        if term not in periods_of:
            periods_of[term] = due_periods(*term, as_of)
        months = [p for p in periods_of[term] if (contract.pk, p.month) not in existing]
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
                        by_month.get((pk, first), _NO_DAYS)
                        for first, _days, _length in period.calendar_months
                    ]
                ),
            )
            for pk, months in due.items()
            for period in months
        ]
        # 4. One insert.
        created = bulk_insert(cards)
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
    ended = [c for c in contracts if as_of > c.end_date]
    if ended:
        Contract.objects.filter(pk__in=[c.pk for c in ended], status=ContractStatus.RUNNING).update(
            status=ContractStatus.ENDED
        )
        for contract in ended:  # locked: as stored now
            contract.status = ContractStatus.ENDED
    # 6–10. The alerts of the batch (three poor months in a row, overdue actions), from the
    # contracts locked above.
    contract_alerts_refresh(
        contract_ids=[c.pk for c in contracts], as_of=as_of, contracts=contracts
    )
    return created


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def periods_without_email(*, now=None) -> list[int]:
    """Monthly scorecards of the last two weeks whose e-mail was never queued."""
    now = now or timezone.now()
    queued = OutboxMessage.objects.filter(kind="contract_scorecard", object_id=OuterRef("pk"))
    return list(
        ContractPeriod.objects.filter(
            emailed_at=None, created_at__gte=now - timedelta(days=PENDING_EMAIL_DAYS)
        )
        .filter(~Exists(queued))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
