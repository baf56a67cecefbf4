"""Total cost of ownership, in-house versus a vendor's quote (docs/domain.md §2)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from costing.engine.live import LiveStaffing
from costing.engine.numbers import (
    HUNDRED,
    ONE,
    ZERO,
    EngineInputError,
    ceil_whole,
    non_negative,
    optional_non_negative,
    positive,
    precise,
    q2,
    s2,
    s2_or_none,
    whole_number,
)
from costing.engine.workload import WEEKS_PER_MONTH, Demand, Scope, Workload

MIN_MONTHS = 1
MAX_MONTHS = 60


class PricingModel(StrEnum):
    HOURLY = "hourly"
    PER_TICKET = "per_ticket"
    SUBSCRIPTION = "subscription"
    MIXED = "mixed"


class FeePer(StrEnum):
    MONTH = "month"
    ONCE = "once"


class LiveStaffingChoice(StrEnum):
    """How the in-house side staffs a live channel (docs/domain.md §1): a dedicated desk (every
    seat hour a paid hour) or combined with the staff's own work (nobody hired)."""

    DEDICATED = "dedicated"
    COMBINED = "combined"


# docs/domain.md §1: paid hours per FTE = hours a week × 4.2 (40 h → 168, the whitepaper's
# €2,400 / 168 = €14.29 an hour); shrinkage (breaks, meetings, training) 0–60%.
DEFAULT_HOURS_PER_WEEK = Decimal(40)
MAX_HOURS_PER_WEEK = Decimal(168)
MAX_SHRINKAGE_PCT = Decimal(60)


@dataclass(frozen=True, slots=True)
class OtherFee:
    """A further fee of a quote (docs/domain.md §2): monthly ones join the fixed monthly part,
    one-time ones fall in month 1."""

    label: str
    amount: Decimal
    per: FeePer

    def __post_init__(self) -> None:
        label = str(self.label).strip() if self.label is not None else ""
        if not label:
            raise EngineInputError("vendor.other_fees.label", "must not be empty")
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "amount", non_negative(self.amount, "vendor.other_fees.amount"))
        try:
            object.__setattr__(self, "per", FeePer(self.per))
        except ValueError:
            raise EngineInputError("vendor.other_fees.per", "must be one of month, once") from None


@dataclass(frozen=True, slots=True)
class InHouse:
    """The in-house baseline. `fte=None` derives the FTE from the workload: whole people for
    a backlog, seat hours over paid hours for a live channel (docs/domain.md §1).

    `live_staffing` chooses which in-house option the comparison uses for a live channel:
    a dedicated desk or the desk combined with the staff's own work."""

    fte: Decimal | None = None
    gross_salary_month: Decimal = ZERO
    employer_costs_pct: Decimal = ZERO
    overhead_per_fte_month: Decimal = ZERO
    licences_per_fte_month: Decimal = ZERO
    absence_pct: Decimal = ZERO
    one_time: Decimal = ZERO
    hours_per_week: Decimal = DEFAULT_HOURS_PER_WEEK
    shrinkage_pct: Decimal = ZERO
    live_staffing: LiveStaffingChoice = LiveStaffingChoice.DEDICATED

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if self.fte is not None:
            set_(self, "fte", positive(self.fte, "in_house.fte"))
        hours = positive(
            DEFAULT_HOURS_PER_WEEK if self.hours_per_week is None else self.hours_per_week,
            "in_house.hours_per_week",
        )
        if hours > MAX_HOURS_PER_WEEK:
            raise EngineInputError("in_house.hours_per_week", "a week has only 168 hours")
        set_(self, "hours_per_week", hours)
        shrinkage = non_negative(
            ZERO if self.shrinkage_pct is None else self.shrinkage_pct, "in_house.shrinkage_pct"
        )
        if shrinkage > MAX_SHRINKAGE_PCT:
            raise EngineInputError("in_house.shrinkage_pct", "must be between 0 and 60")
        set_(self, "shrinkage_pct", shrinkage)
        try:
            set_(
                self,
                "live_staffing",
                LiveStaffingChoice(self.live_staffing or LiveStaffingChoice.DEDICATED),
            )
        except ValueError:
            choices = ", ".join(c.value for c in LiveStaffingChoice)
            raise EngineInputError("in_house.live_staffing", f"must be one of {choices}") from None
        for name in (
            "gross_salary_month",
            "employer_costs_pct",
            "overhead_per_fte_month",
            "licences_per_fte_month",
            "absence_pct",
            "one_time",
        ):
            set_(self, name, non_negative(getattr(self, name), f"in_house.{name}"))

    @property
    @precise
    def monthly_cost_per_fte(self) -> Decimal:
        """Salary plus employer costs, overhead and licences, grossed up for absence."""
        employer_factor = ONE + self.employer_costs_pct / HUNDRED
        per_fte = (
            self.gross_salary_month * employer_factor
            + self.overhead_per_fte_month
            + self.licences_per_fte_month
        )
        # docs/domain.md §2: vacation (24 days) and sickness (≥6 days) ≈ +10% on a full-timer.
        return per_fte * (ONE + self.absence_pct / HUNDRED)

    @property
    @precise
    def paid_hours_per_fte_month(self) -> Decimal:
        """docs/domain.md §1: hours a week × 4.2 (40 h → 168)."""
        return self.hours_per_week * WEEKS_PER_MONTH

    @precise
    def hourly_cost(self, *, hours_per_week: Decimal | int | str | None = None) -> Decimal:
        """Whitepaper: €2,400 a month over 40 h × 4.2 weeks = 168 h → €14.29 an hour."""
        if hours_per_week is None:
            return self.monthly_cost_per_fte / self.paid_hours_per_fte_month
        hours = positive(hours_per_week, "hours_per_week")
        return self.monthly_cost_per_fte / (hours * WEEKS_PER_MONTH)


@dataclass(frozen=True, slots=True)
class VendorOffer:
    """A vendor's quote. Rates a pricing model does not use are ignored. Onboarding hours
    are priced at the training rate under every model: `onboarding_hourly_rate`, else
    `hourly_rate`; with neither, onboarding hours are an error, never €0 (docs/domain.md §2)."""

    pricing_model: PricingModel
    hourly_rate: Decimal | None = None
    per_ticket_rate: Decimal | None = None
    monthly_fee: Decimal | None = None
    agents: int | None = None
    onboarding_fee: Decimal = ZERO
    onboarding_hours_per_agent: Decimal = ZERO
    licences_per_agent_month: Decimal = ZERO
    integration_one_time: Decimal = ZERO
    management_per_month: Decimal = ZERO
    exit_fee: Decimal = ZERO
    onboarding_hourly_rate: Decimal | None = None
    other_fees: tuple[OtherFee, ...] = ()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        try:
            model = PricingModel(self.pricing_model)
        except ValueError:
            choices = ", ".join(m.value for m in PricingModel)
            raise EngineInputError("vendor.pricing_model", f"must be one of {choices}") from None
        set_(self, "pricing_model", model)
        for name in ("hourly_rate", "per_ticket_rate", "monthly_fee", "onboarding_hourly_rate"):
            set_(self, name, optional_non_negative(getattr(self, name), f"vendor.{name}"))
        if self.agents is not None:
            set_(self, "agents", whole_number(self.agents, "vendor.agents", minimum=1))
        for name in (
            "onboarding_fee",
            "onboarding_hours_per_agent",
            "licences_per_agent_month",
            "integration_one_time",
            "management_per_month",
            "exit_fee",
        ):
            set_(self, name, non_negative(getattr(self, name), f"vendor.{name}"))
        fees = tuple(self.other_fees or ())
        if any(not isinstance(fee, OtherFee) for fee in fees):
            raise EngineInputError("vendor.other_fees", "each fee needs a label, amount and per")
        set_(self, "other_fees", fees)
        self._check_rates()
        if self.onboarding_hours_per_agent > 0 and self.training_rate is None:
            raise EngineInputError(
                "vendor.onboarding_hourly_rate",
                "required to price the onboarding hours when there is no hourly rate",
            )

    @property
    def training_rate(self) -> Decimal | None:
        """docs/domain.md §2: the quote's onboarding_hourly_rate, else its hourly_rate."""
        if self.onboarding_hourly_rate is not None:
            return self.onboarding_hourly_rate
        return self.hourly_rate

    @property
    @precise
    def other_fees_monthly(self) -> Decimal:
        return sum((f.amount for f in self.other_fees if f.per is FeePer.MONTH), ZERO)

    @property
    @precise
    def other_fees_once(self) -> Decimal:
        return sum((f.amount for f in self.other_fees if f.per is FeePer.ONCE), ZERO)

    def _check_rates(self) -> None:
        model = self.pricing_model
        if model is PricingModel.HOURLY and self.hourly_rate is None:
            raise EngineInputError("vendor.hourly_rate", "required for hourly pricing")
        if model is PricingModel.PER_TICKET and self.per_ticket_rate is None:
            raise EngineInputError("vendor.per_ticket_rate", "required for per-ticket pricing")
        if model in (PricingModel.SUBSCRIPTION, PricingModel.MIXED) and self.monthly_fee is None:
            raise EngineInputError("vendor.monthly_fee", f"required for {model.value} pricing")
        if model is PricingModel.MIXED:
            if self.hourly_rate is None and self.per_ticket_rate is None:
                raise EngineInputError(
                    "vendor.hourly_rate", "mixed pricing needs an hourly or a per-ticket rate"
                )
            if self.hourly_rate is not None and self.per_ticket_rate is not None:
                # docs/domain.md §2 charges "whichever rate is given": two rates would be a guess.
                raise EngineInputError(
                    "vendor.per_ticket_rate",
                    "mixed pricing takes an hourly or a per-ticket rate, not both",
                )


@dataclass(frozen=True, slots=True)
class InHouseOption:
    """One way to staff the in-house side (docs/domain.md §1): a dedicated desk or a desk
    combined with the staff's own work. `fte` is as shown (two decimals for a live desk)."""

    fte: Decimal
    monthly: Decimal
    one_time: Decimal
    tco: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {"fte": s2(self.fte), "monthly": s2(self.monthly), "tco": s2(self.tco)}


@dataclass(frozen=True, slots=True)
class InHouseCost:
    fte: Decimal
    monthly: Decimal
    one_time: Decimal
    tco: Decimal
    cost_per_ticket: Decimal
    # For a scope with a live channel (None otherwise): both options side by side; the
    # figures above are the one `live_staffing` chose.
    live_staffing: LiveStaffingChoice = LiveStaffingChoice.DEDICATED
    dedicated: InHouseOption | None = None
    combined: InHouseOption | None = None

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "fte": s2(self.fte),
            "monthly": s2(self.monthly),
            "one_time": s2(self.one_time),
            "tco": s2(self.tco),
            "cost_per_ticket": s2(self.cost_per_ticket),
        }
        if self.dedicated is not None and self.combined is not None:
            result["live_staffing"] = self.live_staffing.value
            result["dedicated"] = self.dedicated.as_dict()
            result["combined"] = self.combined.as_dict()
        return result


@dataclass(frozen=True, slots=True)
class OutsourcedCost:
    agents: int
    variable_monthly: Decimal
    fixed_monthly: Decimal
    monthly: Decimal
    upfront: Decimal  # one-time costs billed in month 1
    exit_fee: Decimal  # billed in the last month
    one_time: Decimal
    tco: Decimal
    cost_per_ticket: Decimal
    fixed: Decimal
    variable: Decimal
    # Double running (docs/domain.md §2): the in-house monthly cost carried in each of the first
    # `transition_months`; part of the fixed costs.
    transition_months: int = 0
    transition_monthly: Decimal = ZERO
    transition: Decimal = ZERO

    def as_dict(self) -> dict[str, Any]:
        return {
            "agents": self.agents,
            "monthly": s2(self.monthly),
            "one_time": s2(self.one_time),
            "tco": s2(self.tco),
            "cost_per_ticket": s2(self.cost_per_ticket),
            "fixed": s2(self.fixed),
            "variable": s2(self.variable),
            "transition": s2(self.transition),
        }


@dataclass(frozen=True, slots=True)
class CumulativeRow:
    month: int
    in_house: Decimal
    outsourced: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "month": self.month,
            "in_house": s2(self.in_house),
            "outsourced": s2(self.outsourced),
        }


@dataclass(frozen=True, slots=True)
class Estimate:
    """Full-precision result; `as_dict()` rounds for the API (docs/api.md, Costing)."""

    months: int
    workload_hours_per_month: Decimal
    fte_required: Decimal
    staffing: LiveStaffing | None
    in_house: InHouseCost
    outsourced: OutsourcedCost
    savings: Decimal
    savings_pct: Decimal | None
    roi_pct: Decimal | None
    break_even_month: int | None
    cumulative: tuple[CumulativeRow, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "workload_hours_per_month": s2(self.workload_hours_per_month),
            "fte_required": s2(self.fte_required),
            "staffing": None if self.staffing is None else self.staffing.as_dict(),
            "in_house": self.in_house.as_dict(),
            "outsourced": self.outsourced.as_dict(),
            "savings": s2(self.savings),
            "savings_pct": s2_or_none(self.savings_pct),
            "roi_pct": s2_or_none(self.roi_pct),
            "break_even_month": self.break_even_month,
            "cumulative": [row.as_dict() for row in self.cumulative],
        }


def check_months(months: object) -> int:
    months = whole_number(months, "months", minimum=MIN_MONTHS)
    if months > MAX_MONTHS:
        raise EngineInputError("months", f"must be between {MIN_MONTHS} and {MAX_MONTHS}")
    return months


def check_transition_months(transition_months: object, months: int) -> int:
    transition = whole_number(transition_months, "transition_months", minimum=0)
    if transition > months:
        raise EngineInputError("transition_months", f"must be at most the term: {months}")
    return transition


def _channels(workload: Demand) -> tuple[Workload, ...]:
    return workload.channels if isinstance(workload, Scope) else (workload,)


@precise
def backlog_people(*, workload: Workload) -> Decimal:
    """docs/domain.md §1: whole people for a backlog; the seed staffs 0.52 FTE of work with
    1 FTE for coverage and peaks, and opening hours staff a desk even with an empty queue."""
    return Decimal(
        ceil_whole(workload.in_house_hours_per_month / workload.productive_hours_per_fte_month)
    )


@precise
def dedicated_live_fte(*, in_house: InHouse, workload: Workload) -> Decimal:
    """docs/domain.md §1: every seat hour is a paid hour, shrinkage raises them:
    seat hours / (1 − shrinkage) / paid hours, two decimals (the cost uses the FTE as
    shown), never rounded up to whole people (part-time contracts). The one-seat floor is
    the opening-hours coverage."""
    seat_hours = workload.billable_hours_per_month
    paid = seat_hours / (ONE - in_house.shrinkage_pct / HUNDRED)
    return q2(paid / in_house.paid_hours_per_fte_month)


@precise
def in_house_fte(*, in_house: InHouse, workload: Demand) -> Decimal:
    """The dedicated in-house FTE: a given FTE, else each channel by its own rule and
    added up (dedicated teams): whole people for e-mail, seat hours for a live channel."""
    if in_house.fte is not None:
        return in_house.fte
    return sum(
        (
            dedicated_live_fte(in_house=in_house, workload=channel)
            if channel.is_live
            else backlog_people(workload=channel)
            for channel in _channels(workload)
        ),
        ZERO,
    )


def _option(*, fte: Decimal, monthly: Decimal, one_time: Decimal, months: int) -> InHouseOption:
    return InHouseOption(
        fte=fte, monthly=monthly, one_time=one_time, tco=months * monthly + one_time
    )


@precise
def combined_option(*, in_house: InHouse, workload: Demand, months: int) -> InHouseOption:
    """docs/domain.md §1, the whitepaper's condition for doing it yourself: existing staff take
    each live channel between their other work, nobody is hired. Its cost is the time it
    takes: workload hours × hourly cost (monthly cost of one FTE / paid hours). No service
    level is guaranteed. A backlog channel keeps its whole people (and the one-time costs);
    without one nobody is hired, so there is no recruitment."""
    hourly = in_house.hourly_cost()
    live_hours = sum((c.workload_hours_per_month for c in _channels(workload) if c.is_live), ZERO)
    backlog = [c for c in _channels(workload) if not c.is_live]
    people = sum((backlog_people(workload=c) for c in backlog), ZERO)
    monthly = people * in_house.monthly_cost_per_fte + live_hours * hourly
    fte = people + q2(live_hours / in_house.paid_hours_per_fte_month)
    return _option(
        fte=fte, monthly=monthly, one_time=in_house.one_time if backlog else ZERO, months=months
    )


def vendor_agents(*, offer: VendorOffer, workload: Demand) -> int:
    if offer.agents is not None:
        return offer.agents
    # Seat hours for a live channel, workload hours for a backlog, over productive hours.
    return max(1, ceil_whole(workload.fte_required))


@precise
def in_house_cost(*, in_house: InHouse, workload: Demand, months: int) -> InHouseCost:
    months = check_months(months)
    fte = in_house_fte(in_house=in_house, workload=workload)
    dedicated = _option(
        fte=fte,
        monthly=fte * in_house.monthly_cost_per_fte,
        one_time=in_house.one_time,
        months=months,
    )
    combined = None
    chosen = dedicated
    if any(channel.is_live for channel in _channels(workload)):
        combined = combined_option(in_house=in_house, workload=workload, months=months)
        if in_house.live_staffing is LiveStaffingChoice.COMBINED:
            chosen = combined
    return InHouseCost(
        fte=chosen.fte,
        monthly=chosen.monthly,
        one_time=chosen.one_time,
        tco=chosen.tco,
        cost_per_ticket=chosen.tco / (workload.volume_per_month * months),
        live_staffing=in_house.live_staffing,
        dedicated=None if combined is None else dedicated,
        combined=combined,
    )


@precise
def outsourced_cost(
    *,
    offer: VendorOffer,
    workload: Demand,
    months: int,
    transition_months: int = 0,
    in_house_monthly: Decimal = ZERO,
) -> OutsourcedCost:
    """`transition_months` of double running carry `in_house_monthly` each (docs/domain.md §2)."""
    months = check_months(months)
    transition_months = check_transition_months(transition_months, months)
    in_house_monthly = non_negative(in_house_monthly, "in_house.monthly")
    agents = vendor_agents(offer=offer, workload=workload)
    model = offer.pricing_model

    variable_monthly = ZERO
    if offer.hourly_rate is not None and model in (PricingModel.HOURLY, PricingModel.MIXED):
        # docs/domain.md §1: seat hours for a live channel, workload hours for a backlog.
        variable_monthly = offer.hourly_rate * workload.billable_hours_per_month
    elif offer.per_ticket_rate is not None and model in (
        PricingModel.PER_TICKET,
        PricingModel.MIXED,
    ):
        variable_monthly = offer.per_ticket_rate * workload.handled

    base_fee = ZERO
    if model in (PricingModel.SUBSCRIPTION, PricingModel.MIXED) and offer.monthly_fee is not None:
        base_fee = offer.monthly_fee
    fixed_monthly = (
        base_fee
        + agents * offer.licences_per_agent_month
        + offer.management_per_month
        + offer.other_fees_monthly
    )
    monthly = variable_monthly + fixed_monthly

    onboarding_hours_cost = ZERO
    if offer.onboarding_hours_per_agent > 0:
        # VendorOffer refuses onboarding hours without a training rate: never €0 silently.
        rate = offer.training_rate
        assert rate is not None  # VendorOffer refuses the hours without a rate
        onboarding_hours_cost = offer.onboarding_hours_per_agent * agents * rate
    upfront = (
        offer.onboarding_fee
        + onboarding_hours_cost
        + offer.integration_one_time
        + offer.other_fees_once
    )
    one_time = upfront + offer.exit_fee
    transition = transition_months * in_house_monthly

    # docs/domain.md §2: tco = months × monthly + one_time and fixed = tco − variable. Summing
    # the two parts instead is the same sum, and keeps fixed + variable == tco exact to
    # the last of the 50 digits.
    variable = months * variable_monthly
    fixed = months * fixed_monthly + one_time + transition
    tco = variable + fixed
    return OutsourcedCost(
        agents=agents,
        variable_monthly=variable_monthly,
        fixed_monthly=fixed_monthly,
        monthly=monthly,
        upfront=upfront,
        exit_fee=offer.exit_fee,
        one_time=one_time,
        tco=tco,
        cost_per_ticket=tco / (workload.volume_per_month * months),
        fixed=fixed,
        variable=variable,
        transition_months=transition_months,
        transition_monthly=in_house_monthly,
        transition=transition,
    )


@precise
def cumulative_costs(
    *, in_house: InHouseCost, outsourced: OutsourcedCost, months: int
) -> tuple[CumulativeRow, ...]:
    """docs/domain.md §2: one-time costs fall in month 1, except the exit fee in the last month;
    the transition's double running in months 1 … transition_months."""
    # Each row repeats the expression of its side's `tco`, so the last row is the TCO exactly.
    return tuple(
        CumulativeRow(
            month=month,
            in_house=month * in_house.monthly + in_house.one_time,
            outsourced=month * outsourced.variable_monthly
            + (
                month * outsourced.fixed_monthly
                + (outsourced.one_time if month == months else outsourced.upfront)
                + min(month, outsourced.transition_months) * outsourced.transition_monthly
            ),
        )
        for month in range(1, months + 1)
    )


@precise
def estimate(
    *,
    workload: Demand,
    in_house: InHouse,
    offer: VendorOffer,
    months: int,
    transition_months: int = 0,
) -> Estimate:
    months = check_months(months)
    in_house_side = in_house_cost(in_house=in_house, workload=workload, months=months)
    outsourced_side = outsourced_cost(
        offer=offer,
        workload=workload,
        months=months,
        transition_months=transition_months,
        in_house_monthly=in_house_side.monthly,
    )
    cumulative = cumulative_costs(in_house=in_house_side, outsourced=outsourced_side, months=months)
    savings = in_house_side.tco - outsourced_side.tco
    return Estimate(
        months=months,
        workload_hours_per_month=workload.workload_hours_per_month,
        fte_required=workload.fte_required,
        staffing=workload.staffing,
        in_house=in_house_side,
        outsourced=outsourced_side,
        savings=savings,
        savings_pct=None if in_house_side.tco == 0 else savings / in_house_side.tco * HUNDRED,
        roi_pct=None if outsourced_side.tco == 0 else savings / outsourced_side.tco * HUNDRED,
        break_even_month=break_even_month(cumulative),
        cumulative=cumulative,
    )


def break_even_month(cumulative: tuple[CumulativeRow, ...]) -> int | None:
    """docs/domain.md §2: the first month from which the cumulative outsourced cost STAYS at or
    below the in-house cost up to the end of the term; None if there is none (so never
    when the savings are negative: an exit fee in the last month undoes the break-even)."""
    month = None
    for row in reversed(cumulative):
        if row.outsourced > row.in_house:
            break
        month = row.month
    return month


@precise
def cost_per_handled_ticket(*, offer: VendorOffer, workload: Demand) -> Decimal:
    """A pilot's default cost target (docs/domain.md §5): what the quote costs a month per ticket
    the vendor handles, `outsourced.monthly / handled`, without one-time costs. Over gross
    volume a vendor billing exactly its quote would miss it whenever automation deflects."""
    handled = workload.handled
    if handled <= 0:
        raise EngineInputError(
            "automation_deflection_pct", "leaves no handled contacts to divide the cost by"
        )
    return outsourced_cost(offer=offer, workload=workload, months=1).monthly / handled
