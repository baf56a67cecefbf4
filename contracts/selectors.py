"""Reads for contracts, their monthly scorecards and the review log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from .models import (
    Contract,
    ContractKpiEntry,
    ContractPeriod,
    ContractStatus,
    Review,
    ReviewAction,
)


def contract_targets(contract: Contract) -> dict[str, Decimal]:
    return contract.targets


def contract_status(contract: Contract, as_of: date) -> str:
    """A running contract whose term is over has ended, whatever the stored status says
    until the daily job catches up; terminated is procurement's word."""
    if contract.status == ContractStatus.RUNNING and as_of > contract.end_date:
        return ContractStatus.ENDED
    return contract.status


def _latest(field: str) -> Subquery:
    return Subquery(
        ContractPeriod.objects.filter(contract=OuterRef("pk")).order_by("-month").values(field)[:1]
    )


def with_latest_standing(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    """`latest_standing` and `latest_month` of each contract: its last closed month."""
    return contracts.annotate(latest_standing=_latest("standing"), latest_month=_latest("month"))


def contracts_for_user(user) -> QuerySet[Contract]:
    """Internal roles see every contract; a vendor only its own (404 for the others)."""
    contracts = with_latest_standing(Contract.objects.select_related("vendor"))
    if user.is_vendor:
        return contracts.filter(vendor_id=user.vendor_id)
    return contracts


def get_contract_for_user(user, pk: int) -> Contract:
    return get_object_or_404(contracts_for_user(user), pk=pk)


def contract_periods_closed(contract: Contract) -> QuerySet[ContractPeriod]:
    return ContractPeriod.objects.filter(contract=contract).order_by("month")


def contract_reviews(contract: Contract) -> QuerySet[Review]:
    return (
        Review.objects.filter(contract=contract)
        .select_related("created_by")
        .prefetch_related(Prefetch("actions", queryset=ReviewAction.objects.order_by("due_date")))
        .order_by("-date", "-id")
    )


def open_review_actions(contract: Contract) -> QuerySet[ReviewAction]:
    return (
        ReviewAction.objects.filter(review__contract=contract, done=False)
        .select_related("review")
        .order_by("due_date", "id")
    )


def vendor_standing_history(vendor_id: int) -> list[ContractPeriod]:
    """The vendor's closed months over all its contracts, newest first (the vendor page)."""
    return list(
        ContractPeriod.objects.filter(contract__vendor_id=vendor_id)
        .select_related("contract")
        .order_by("-month", "-contract_id")[:36]
    )


@dataclass(frozen=True)
class ContractMissingDays:
    contract: Contract
    count: int
    first: date  # the earliest day without an entry


def contracts_with_missing_days(
    *, user, as_of: date, limit: int
) -> tuple[int, list[ContractMissingDays]]:
    """A vendor's running contracts with days up to yesterday that have no KPI entry (the
    vendor's home lists them beside its pilots' days): one query for the contracts with their
    entry counts, one for the days entered of those listed."""
    contracts = (
        contracts_for_user(user)
        .filter(status=ContractStatus.RUNNING, start_date__lt=as_of)
        .annotate(entered=Count("entries", filter=Q(entries__day__lt=as_of)))
        .select_related("vendor")
    )
    missing = []
    for contract in contracts.order_by("start_date", "pk"):
        last = min(as_of - timedelta(days=1), contract.end_date)
        expected = (last - contract.start_date).days + 1
        if expected > 0 and contract.entered < expected:
            missing.append((contract, expected - contract.entered, last))
    listed = missing[:limit]
    entered = set(
        ContractKpiEntry.objects.filter(
            contract_id__in=[c.pk for c, _n, _l in listed], day__lt=as_of
        ).values_list("contract_id", "day")
    )
    rows = []
    for contract, count, last in listed:
        days = (
            contract.start_date + timedelta(days=n)
            for n in range((last - contract.start_date).days + 1)
        )
        first = next(day for day in days if (contract.pk, day) not in entered)
        rows.append(ContractMissingDays(contract, count, first))
    return len(missing), rows
