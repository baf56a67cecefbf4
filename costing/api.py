"""Costing endpoints of docs/api.md: the estimate, Erlang C staffing, a quote's TCO and the
comparison of an RFQ's quotes.

Pydantic checks types (a number, a known pricing model) and absurd sizes; the engine
checks the domain (volume > 0, months 1–60, the rate a pricing model needs, a reachable
service level) and names the field, which is answered as 422 with that field's API path.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from accounts.permissions import EVERYONE, INTERNAL, check_role
from common.api import ApiValidationError, ObjectIn
from common.bounds import api_bound
from common.strict import StrictDecimal, StrictInt
from costing.comparison import build_comparison, quote_estimate_dict
from costing.engine import (
    LIVE_CHANNELS,
    Channel,
    EngineInputError,
    FeePer,
    InHouse,
    LiveStaffingChoice,
    OpenHours,
    OtherFee,
    PricingModel,
    VendorOffer,
    Workload,
    estimate,
    staffing,
)
from costing.messages import OUT_OF_RANGE, engine_error_text
from costing.selectors import quote_for_costing, rfq_for_costing, submitted_quotes_for_comparison

router = Router(tags=["costing"])

# Counts (months, ids) stay bounded so a typo such as 1e999999 never reaches the arithmetic
# (never a 500); amounts have the plausible bounds of common.bounds, as the forms do.
MAX_COUNT = 1_000_000_000


# Read strictly (common.strict): no booleans, underscores or non-ASCII digits.
Count = Annotated[StrictInt, Field(le=MAX_COUNT)]
# A day has 24 open hours at most; a quote's list of further fees stays short.
MAX_OPEN_HOURS = 24
MAX_OTHER_FEES = 50


# --- requests -------------------------------------------------------------------------------


def _amount(name: str) -> Any:
    """A decimal with the plausible bound of `name` (common.bounds, shared with the forms)."""
    return Annotated[StrictDecimal, api_bound(name)]


def _pct() -> Any:
    return _amount("percentage")


class InHouseIn(ObjectIn):
    """docs/api.md: in-house numbers default to 0 where not given; no FTE = whole people."""

    fte: _amount("fte") | None = None
    gross_salary_month: _amount("gross_salary_month") = Decimal(0)
    employer_costs_pct: _amount("employer_costs_pct") = Decimal(0)
    overhead_per_fte_month: _amount("overhead_per_fte_month") = Decimal(0)
    licences_per_fte_month: _amount("licences_per_fte_month") = Decimal(0)
    absence_pct: _pct() = Decimal(0)
    one_time: _amount("one_time") = Decimal(0)
    # docs/domain.md §1: a live channel's in-house desk; which option the recommendation uses.
    live_staffing: LiveStaffingChoice = LiveStaffingChoice.DEDICATED
    hours_per_week: _amount("hours_per_week") = Decimal(40)
    shrinkage_pct: _pct() = Decimal(0)


class OtherFeeIn(ObjectIn):
    label: str = Field(max_length=200)
    amount: _amount("other_fee")
    per: FeePer


class VendorIn(ObjectIn):
    pricing_model: PricingModel
    hourly_rate: _amount("hourly_rate") | None = None
    per_ticket_rate: _amount("per_ticket_rate") | None = None
    monthly_fee: _amount("monthly_fee") | None = None
    agents: Annotated[Count, api_bound("agents")] | None = None
    onboarding_fee: _amount("onboarding_fee") = Decimal(0)
    onboarding_hours_per_agent: _amount("onboarding_hours_per_agent") = Decimal(0)
    licences_per_agent_month: _amount("licences_per_agent_month") = Decimal(0)
    integration_one_time: _amount("integration_one_time") = Decimal(0)
    management_per_month: _amount("management_per_month") = Decimal(0)
    exit_fee: _amount("exit_fee") = Decimal(0)
    onboarding_hourly_rate: _amount("onboarding_hourly_rate") | None = None
    other_fees: list[OtherFeeIn] = Field(default_factory=list, max_length=MAX_OTHER_FEES)


class EstimateIn(ObjectIn):
    """docs/api.md: e-mail is a backlog (workload hours); chat and phone are queues staffed per
    open hour, which need `open_hours_per_day` and `open_days_per_week`."""

    months: Count = 12
    volume_per_month: _amount("volume_per_month")
    aht_minutes: _amount("aht_minutes")
    productive_hours_per_fte_month: _amount("productive_hours_per_fte_month") = Decimal(160)
    coverage_hours_per_week: _amount("coverage_hours_per_week") | None = None
    automation_deflection_pct: _pct() = Decimal(0)
    channel: Channel = Channel.EMAIL
    open_hours_per_day: Count | None = None
    open_days_per_week: Count | None = None
    hourly_weights: list[_amount("hourly_weight")] | None = Field(None, max_length=MAX_OPEN_HOURS)
    service_level_pct: _pct() | None = None
    answer_seconds: _amount("answer_seconds") | None = None
    concurrency: _amount("concurrency") | None = None
    max_occupancy_pct: _pct() | None = None
    transition_months: Count = 0
    in_house: InHouseIn = Field(default_factory=InHouseIn)
    vendor: VendorIn


# Only a live channel is open by the hour: for e-mail these fields are an error, not ignored.
LIVE_FIELDS = (
    "open_hours_per_day",
    "open_days_per_week",
    "hourly_weights",
    "service_level_pct",
    "answer_seconds",
    "concurrency",
    "max_occupancy_pct",
)


class StaffingIn(ObjectIn):
    contacts_per_interval: _amount("contacts_per_interval")
    interval_minutes: _amount("interval_minutes")
    aht_seconds: _amount("aht_seconds")
    target_service_level_pct: _pct()
    target_answer_seconds: _amount("target_answer_seconds")
    max_occupancy_pct: _pct() | None = None
    shrinkage_pct: _pct() = Decimal(0)
    concurrency: _amount("concurrency") = Decimal(1)


class MonthsQuery(Schema):
    months: Count | None = Field(
        None, description="Term in months, 1–60; default: the RFQ's term (12–24)."
    )


# --- responses (decimals as strings with two decimals) ---------------------------------------


class InHouseOptionOut(Schema):
    fte: str
    monthly: str
    tco: str


class EstimateInHouseOut(Schema):
    fte: str
    monthly: str
    one_time: str
    tco: str
    cost_per_ticket: str
    live_staffing: LiveStaffingChoice | None = Field(
        None, description="For a live channel: the option `in_house` is (the baseline's choice)."
    )
    dedicated: InHouseOptionOut | None = Field(
        None,
        description="For a live channel: a dedicated desk, seat hours over paid hours "
        "(docs/domain.md §1).",
    )
    combined: InHouseOptionOut | None = Field(
        None,
        description="For a live channel: combined with the staff's own work, workload hours × "
        "hourly cost; nobody hired, no service level guaranteed.",
    )


class OutsourcedOut(Schema):
    agents: int
    monthly: str
    one_time: str
    tco: str
    cost_per_ticket: str
    fixed: str
    variable: str
    transition: str = Field(
        description="The in-house desk carried during the transition months (double running)."
    )


class CumulativeOut(Schema):
    month: int
    in_house: str
    outsourced: str


class OpenHourOut(Schema):
    hour: int
    contacts: str
    erlangs: str
    seats: int
    service_level_pct: str


class LiveStaffingOut(Schema):
    seat_hours_per_month: str
    peak_seats: int
    hours: list[OpenHourOut]


class ChannelStaffingOut(Schema):
    channel: str
    handled: str
    workload_hours_per_month: str
    seat_hours_per_month: str | None = Field(description="Live channels only; null for e-mail.")
    billable_hours_per_month: str = Field(
        description="What an hourly vendor bills: seat hours (live) or workload hours (e-mail)."
    )
    staffing: LiveStaffingOut | None


class EstimateOut(Schema):
    workload_hours_per_month: str
    fte_required: str
    staffing: LiveStaffingOut | None = Field(
        None,
        description="Seats per open hour of an average open day; null for e-mail. For an "
        "RFQ's scope: its live channels' seats added up per open hour.",
    )

    in_house: EstimateInHouseOut
    outsourced: OutsourcedOut
    savings: str
    savings_pct: str | None
    roi_pct: str | None
    break_even_month: int | None
    cumulative: list[CumulativeOut]


class QuoteTcoOut(EstimateOut):
    channels: list[ChannelStaffingOut] = Field(
        description="Each channel of the RFQ's scope: workload hours against seat hours."
    )


class StaffingOut(Schema):
    traffic_erlangs: str
    agents: int
    service_level_pct: str
    asa_seconds: str
    occupancy_pct: str
    scheduled_fte: str


class ComparisonRateFlagOut(Schema):
    code: str
    rate: str
    value: str
    region: str
    band_low: str
    band_high: str


class RecommendationOut(Schema):
    code: str
    reasons: list[str]
    savings: str
    risk: str
    risk_threshold: str
    strategic: bool


class PricingErrorOut(Schema):
    field: str
    message: str


class ScenarioOut(Schema):
    tco: str
    savings: str
    in_house_tco: str = Field(description="The in-house TCO in this scenario.")


class ScenarioAssumptionOut(Schema):
    volume_factor: str
    aht_factor: str
    in_house_tco: str


class ScoresOut(Schema):
    """docs/domain.md §4: each criterion 0–100; `test_cases` is null when the RFQ has none."""

    cost: str
    service: str
    compliance: str
    scalability: str
    risk: str
    test_cases: str | None


class ComparisonQuoteOut(Schema):
    quote_id: int
    vendor_id: int
    outsourced: OutsourcedOut | None
    savings: str | None
    savings_pct: str | None
    roi_pct: str | None
    break_even_month: int | None
    gaps: list[str]
    rate_flags: list[ComparisonRateFlagOut]
    risk: str
    recommendation: RecommendationOut | None
    error: PricingErrorOut | None = Field(
        None, description="Why the quote cannot be priced (its other fields are then null)."
    )
    scenarios: dict[str, ScenarioOut] | None = Field(
        None, description="pessimistic, realistic, optimistic: the quote's TCO and savings."
    )
    # Best value (docs/domain.md §4).
    sla_shortfalls: list[str] = Field(
        description="Channels whose offered response time is missing or slower than required."
    )
    excluded: bool = Field(description="A must-have is left open: never the best value.")
    scores: ScoresOut | None
    score: str | None = Field(description="Σ weight × criterion / 100, two decimals.")
    best_value: bool


class ComparisonOut(Schema):
    months: int
    transition_months: int
    staffing: LiveStaffingOut | None = Field(
        description="The live channels' seats per open hour, added up; null for e-mail only."
    )
    channels: list[ChannelStaffingOut]
    in_house: EstimateInHouseOut
    scenarios: dict[str, ScenarioAssumptionOut] = Field(
        description="What each scenario assumes (volume ×, AHT ×) and its in-house TCO."
    )
    quotes: list[ComparisonQuoteOut]


class ValidationErrorOut(Schema):
    detail: list[dict]
    errors: dict[str, list[str]]


class MessageOut(Schema):
    detail: str


ERRORS = {401: MessageOut, 403: MessageOut, 422: ValidationErrorOut}


def _invalid(exc: EngineInputError | ArithmeticError) -> ApiValidationError:
    if isinstance(exc, EngineInputError):
        return ApiValidationError({exc.field: engine_error_text(exc)})
    return ApiValidationError({"__all__": str(OUT_OF_RANGE)})


def _open_hours(payload: EstimateIn) -> OpenHours | None:
    if payload.channel not in LIVE_CHANNELS:
        for name in LIVE_FIELDS:
            if getattr(payload, name) is not None:
                raise EngineInputError(name, "only for a live channel: chat or phone")
        return None
    for name in ("open_hours_per_day", "open_days_per_week"):
        if getattr(payload, name) is None:
            raise EngineInputError(name, "required for a live channel")
    return OpenHours(
        channel=payload.channel,
        open_hours_per_day=payload.open_hours_per_day,
        open_days_per_week=payload.open_days_per_week,
        hourly_weights=None if payload.hourly_weights is None else tuple(payload.hourly_weights),
        service_level_pct=payload.service_level_pct,
        answer_seconds=payload.answer_seconds,
        concurrency=payload.concurrency,
        max_occupancy_pct=payload.max_occupancy_pct,
    )


def _other_fees(fees: list[OtherFeeIn]) -> tuple[OtherFee, ...]:
    checked = []
    for index, fee in enumerate(fees):
        try:
            checked.append(OtherFee(label=fee.label, amount=fee.amount, per=fee.per))
        except EngineInputError as exc:
            leaf = exc.field.rsplit(".", 1)[-1]
            raise EngineInputError(f"vendor.other_fees.{index}.{leaf}", exc.message) from None
    return tuple(checked)


def _vendor_offer(vendor: VendorIn) -> VendorOffer:
    fields = vendor.model_dump(exclude={"other_fees"})
    return VendorOffer(**fields, other_fees=_other_fees(vendor.other_fees))


# --- endpoints ------------------------------------------------------------------------------


# exclude_unset: `in_house.dedicated`/`combined` appear for a live channel only (docs/api.md).
@router.post("/costing/estimate", response={200: EstimateOut, **ERRORS}, exclude_unset=True)
def costing_estimate(request: HttpRequest, payload: EstimateIn):
    """In-house against one vendor offer over a term (docs/domain.md §1–§2). Any signed-in user."""
    check_role(request.auth, EVERYONE)
    try:
        result = estimate(
            workload=Workload(
                volume_per_month=payload.volume_per_month,
                aht_minutes=payload.aht_minutes,
                productive_hours_per_fte_month=payload.productive_hours_per_fte_month,
                coverage_hours_per_week=payload.coverage_hours_per_week,
                automation_deflection_pct=payload.automation_deflection_pct,
                open_hours=_open_hours(payload),
            ),
            in_house=InHouse(**payload.in_house.model_dump()),
            offer=_vendor_offer(payload.vendor),
            months=payload.months,
            transition_months=payload.transition_months,
        )
        return result.as_dict()  # rounding to cents is part of the answer (and can overflow)
    except (EngineInputError, ArithmeticError) as exc:
        raise _invalid(exc) from None


@router.post("/costing/staffing", response={200: StaffingOut, **ERRORS})
def costing_staffing(request: HttpRequest, payload: StaffingIn):
    """Erlang C agents for a service-level target (docs/domain.md §1). Any signed-in user."""
    check_role(request.auth, EVERYONE)
    try:
        return staffing(**payload.model_dump()).as_dict()
    except (EngineInputError, ArithmeticError) as exc:
        raise _invalid(exc) from None


@router.get(
    "/quotes/{id}/tco",
    response={200: QuoteTcoOut, 404: MessageOut, **ERRORS},
    exclude_unset=True,
)
def quote_tco(request: HttpRequest, id: int, query: Query[MonthsQuery]):
    """The estimate for this quote against its RFQ's scope and in-house baseline.
    Procurement and managers only."""
    check_role(request.auth, INTERNAL)
    quote = quote_for_costing(pk=id)
    months = query.months if query.months is not None else quote.rfq.term_months
    try:
        return quote_estimate_dict(quote=quote, rfq=quote.rfq, months=months)
    except (EngineInputError, ArithmeticError) as exc:
        raise _invalid(exc) from None


@router.get(
    "/rfqs/{id}/comparison",
    response={200: ComparisonOut, 404: MessageOut, **ERRORS},
    exclude_unset=True,
)
def rfq_comparison(request: HttpRequest, id: int, query: Query[MonthsQuery]):
    """Every submitted quote against the in-house baseline, cheapest TCO first.
    Procurement and managers only."""
    check_role(request.auth, INTERNAL)
    rfq = rfq_for_costing(pk=id)
    months = query.months if query.months is not None else rfq.term_months
    try:
        comparison = build_comparison(
            rfq=rfq, quotes=submitted_quotes_for_comparison(rfq), months=months
        )
        return comparison.as_dict()
    except (EngineInputError, ArithmeticError) as exc:
        raise _invalid(exc) from None
