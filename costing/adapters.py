"""Models → engine inputs: an RFQ's scope and baseline, a quote's offer.

Pure functions over objects that are already loaded (the RFQ's `channels` prefetched):
no query here, so a comparison of ten quotes costs what a comparison of one does.
Errors are the engine's `EngineInputError`, with `field` naming the model field that is
wrong (`rfq.channels`, `quote.hourly_rate`), so pages and the API can say what to fix.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from costing.engine import (
    TOO_LARGE_FOR_ONE_QUEUE,
    EngineInputError,
    FeePer,
    InHouse,
    OpenHours,
    OtherFee,
    Scope,
    VendorOffer,
    Workload,
)
from procurement.models import Quote, Rfq, RfqChannel

HOURS_PER_DAY = Decimal(24)

# Engine field (dotted API path) → the quote field a procurement user can correct.
QUOTE_FIELDS: dict[str, str] = {
    "vendor.pricing_model": "pricing_model",
    "vendor.hourly_rate": "hourly_rate",
    "vendor.per_ticket_rate": "per_ticket_rate",
    "vendor.monthly_fee": "monthly_fee",
    "vendor.agents": "agents_offered",
    "vendor.onboarding_fee": "onboarding_fee",
    "vendor.onboarding_hours_per_agent": "onboarding_hours_per_agent",
    "vendor.onboarding_hourly_rate": "onboarding_hourly_rate",
    "vendor.licences_per_agent_month": "licences_per_agent_month",
    "vendor.integration_one_time": "integration_one_time",
    # The quote's fee plus the RFQ's own management: the quote's part is what may be wrong.
    "vendor.management_per_month": "management_fee_per_month",
    "vendor.exit_fee": "exit_fee",
    "vendor.other_fees": "other_fees",
    "vendor.other_fees.label": "other_fees",
    "vendor.other_fees.amount": "other_fees",
    "vendor.other_fees.per": "other_fees",
}

# Engine field → the RFQ field behind it.
RFQ_FIELDS: dict[str, str] = {
    "volume_per_month": "channels",
    "aht_minutes": "channels",
    "productive_hours_per_fte_month": "ih_productive_hours_per_fte_month",
    "coverage_hours_per_week": "opens_at",
    "open_hours_per_day": "opens_at",
    "open_days_per_week": "days_per_week",
    "transition_months": "transition_months",
    "automation_deflection_pct": "automation_deflection_pct",
    "in_house.fte": "ih_fte",
    "in_house.gross_salary_month": "ih_gross_salary_month",
    "in_house.employer_costs_pct": "ih_employer_costs_pct",
    "in_house.overhead_per_fte_month": "ih_overhead_per_fte_month",
    "in_house.licences_per_fte_month": "ih_licences_per_fte_month",
    "in_house.absence_pct": "ih_absence_pct",
    "in_house.one_time": "ih_one_time",
    "in_house.hours_per_week": "ih_hours_per_week",
    "in_house.shrinkage_pct": "ih_shrinkage_pct",
    "in_house.live_staffing": "ih_live_staffing",
    "vendor.management_per_month": "own_management_per_month",
}


def _hours(moment: time) -> Decimal:
    return Decimal(moment.hour) + Decimal(moment.minute) / 60 + Decimal(moment.second) / 3600


def opening_hours_per_day(rfq: Rfq) -> Decimal:
    """09:00–17:00 is 8 hours. A closing time at or before the opening time runs past
    midnight (18:00–02:00 is 8 hours); equal times mean around the clock."""
    span = _hours(rfq.closes_at) - _hours(rfq.opens_at)
    return span if span > 0 else span + HOURS_PER_DAY


def coverage_hours_per_week(rfq: Rfq) -> Decimal:
    # docs/domain.md §1: opening hours staff a desk even when the queue is empty
    # (live chat 09:00–23:00, 7 days a week = 98 h/week).
    return opening_hours_per_day(rfq) * rfq.days_per_week


def _rfq_error(exc: EngineInputError) -> EngineInputError:
    return EngineInputError(f"rfq.{RFQ_FIELDS.get(exc.field, exc.field)}", exc.message)


def open_hours_for_channel(rfq: Rfq, channel: RfqChannel) -> OpenHours:
    """A live channel's queue: the RFQ's opening hours (whole hours, docs/domain.md §1) with the
    channel's concurrency, service level, answer time and hourly weights."""
    hours = rfq.open_hours_per_day
    if hours is None:
        raise EngineInputError(
            "rfq.opens_at", "a desk with a live channel opens and closes on the hour"
        )
    weights = tuple(Decimal(str(w)) for w in channel.hourly_weights or ()) or None
    try:
        return OpenHours(
            channel=channel.channel,
            open_hours_per_day=hours,
            open_days_per_week=rfq.days_per_week,
            hourly_weights=weights,
            service_level_pct=channel.service_level_pct,
            answer_seconds=channel.answer_seconds,
            concurrency=channel.concurrency,
        )
    except EngineInputError as exc:
        field = "opens_at" if exc.field == "open_hours_per_day" else exc.field
        field = "days_per_week" if field == "open_days_per_week" else field
        prefix = (
            "rfq" if field in ("opens_at", "days_per_week") else f"rfq.channels.{channel.channel}"
        )
        raise EngineInputError(f"{prefix}.{field}", exc.message) from None


def workload_for_channel(rfq: Rfq, channel: RfqChannel) -> Workload:
    """One channel of the scope: e-mail a backlog (workload hours), chat and phone a queue
    staffed per open hour (seat hours)."""
    try:
        workload = Workload(
            volume_per_month=Decimal(channel.volume_per_month),
            aht_minutes=channel.aht_minutes,
            productive_hours_per_fte_month=rfq.ih_productive_hours_per_fte_month,
            automation_deflection_pct=rfq.automation_deflection_pct,
            open_hours=open_hours_for_channel(rfq, channel) if channel.is_live else None,
        )
        workload.staffing  # noqa: B018 - seats now (memoised): a queue too large is named here
        return workload
    except EngineInputError as exc:
        if exc.field.startswith("rfq."):
            raise
        if exc.message == TOO_LARGE_FOR_ONE_QUEUE:  # issue 20: the channel's own volume
            raise EngineInputError(
                f"rfq.channels.{channel.channel}.volume_per_month", exc.message
            ) from None
        raise _rfq_error(exc) from None


def workload_for_rfq(rfq: Rfq) -> Scope:
    """The RFQ's scope: each channel staffed by its own rule, their hours adding up
    (dedicated teams, docs/domain.md §1). `scope.channels[i]` follows `rfq_channels(rfq)`."""
    channels = rfq_channels(rfq)
    if not channels:
        raise EngineInputError("rfq.channels", "the RFQ has no channel with a volume in scope")
    return Scope(tuple(workload_for_channel(rfq, channel) for channel in channels))


def rfq_channels(rfq: Rfq) -> list[RfqChannel]:
    """The scope's channels in the model's order (prefetched: no query)."""
    return list(rfq.channels.all())


def in_house_for_rfq(rfq: Rfq) -> InHouse:
    try:
        return InHouse(
            fte=rfq.ih_fte or None,  # 0 or empty: derive whole people from the workload
            gross_salary_month=rfq.ih_gross_salary_month,
            employer_costs_pct=rfq.ih_employer_costs_pct,
            overhead_per_fte_month=rfq.ih_overhead_per_fte_month,
            licences_per_fte_month=rfq.ih_licences_per_fte_month,
            absence_pct=rfq.ih_absence_pct,
            one_time=rfq.ih_one_time,
            hours_per_week=rfq.ih_hours_per_week,
            shrinkage_pct=rfq.ih_shrinkage_pct,
            live_staffing=rfq.ih_live_staffing,
        )
    except EngineInputError as exc:
        raise _rfq_error(exc) from None


def _zero_if_none(value: Decimal | None) -> Decimal:
    return Decimal(0) if value is None else value


def other_fees_for_quote(quote: Quote) -> tuple[OtherFee, ...]:
    """The stored rows (checked on save by procurement.fees) as the engine's fees."""
    return tuple(
        OtherFee(label=fee["label"], amount=Decimal(str(fee["amount"])), per=FeePer(fee["per"]))
        for fee in quote.other_fees or ()
    )


def offer_for_quote(quote: Quote, rfq: Rfq) -> VendorOffer:
    """The quote's template fields map 1:1 onto the offer; management adds the RFQ's own
    vendor management and QA (docs/domain.md §2: "your own vendor management and QA")."""
    if not quote.pricing_model:
        raise EngineInputError("quote.pricing_model", "the quote names no pricing model")
    if rfq.own_management_per_month is not None and rfq.own_management_per_month < 0:
        raise EngineInputError("rfq.own_management_per_month", "must not be negative")
    try:
        return VendorOffer(
            pricing_model=quote.pricing_model,
            hourly_rate=quote.hourly_rate,
            per_ticket_rate=quote.per_ticket_rate,
            monthly_fee=quote.monthly_fee,
            agents=quote.agents_offered or None,  # 0 or empty: derive from the workload
            onboarding_fee=_zero_if_none(quote.onboarding_fee),
            # Issue 24: training hours are priced with the onboarding hours, at the training
            # rate (docs/domain.md §2) — the template asks for both, both cost money.
            onboarding_hours_per_agent=_zero_if_none(quote.onboarding_hours_per_agent)
            + _zero_if_none(quote.training_hours_per_agent),
            licences_per_agent_month=_zero_if_none(quote.licences_per_agent_month),
            integration_one_time=_zero_if_none(quote.integration_one_time),
            management_per_month=_zero_if_none(quote.management_fee_per_month)
            + _zero_if_none(rfq.own_management_per_month),
            exit_fee=_zero_if_none(quote.exit_fee),
            onboarding_hourly_rate=quote.onboarding_hourly_rate,
            other_fees=other_fees_for_quote(quote),
        )
    except EngineInputError as exc:
        raise EngineInputError(
            f"quote.{QUOTE_FIELDS.get(exc.field, exc.field)}", exc.message
        ) from None
