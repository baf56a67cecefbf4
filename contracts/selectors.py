"""Reads for contracts, their monthly scorecards and the review log."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from .models import Contract, ContractPeriod, ContractStatus, Review, ReviewAction


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
