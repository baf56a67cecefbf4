"""Contract endpoints of docs/api.md ("Contracts"): create and read contracts, their monthly
scorecards (periods) and the review log.

A vendor reaches only its own contracts (another vendor's is 404, so existence does not
leak); a role that may not do something gets 403. Every write goes through a service, and a
refused write changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from accounts.permissions import EVERYONE, INTERNAL, PROCUREMENT, VENDORS, check_role
from common.api import ApiValidationError, ObjectIn, bounded_limit_offset_pagination
from common.dates import SaneDate
from common.strict import Money, StrictDecimal, StrictInt
from kpis.models import TARGET_FIELDS
from kpis.rules import KPI_KEYS, s2
from kpis.schemas import KpiEntryOut, KpiIn, KpisOut, TargetsIn, scorecard_kpis_out
from pilots.models import Pilot
from pilots.selectors import app_today
from procurement.models import Quote, Vendor

from .models import Contract, ContractKpiEntry, ContractPeriod
from .selectors import (
    contract_periods_closed,
    contract_status,
    contract_targets,
    contracts_for_user,
    get_contract_for_user,
)
from .services import (
    contract_create,
    contract_defaults_from_pilot,
    contract_defaults_from_quote,
    contract_kpi_day_upsert,
    review_create,
)
from .validators import NO_SUCH_PILOT, ActionText, AttendeesText, NotesText, OwnerText

router = Router(tags=["contracts"])

KPI_WRITERS = VENDORS | PROCUREMENT
# Service (model) field → the API's field name.
_API_FIELD = {
    "day": "date",
    "extra_targets": "extra_kpis",
    "vendor": "vendor_id",
    "quote": "quote_id",
    "pilot": "pilot_id",
    **{model: f"targets.{key}" for key, model in TARGET_FIELDS.items()},
}


def _api_error(exc: ValidationError) -> ApiValidationError:
    return ApiValidationError.from_django(exc, names=_API_FIELD)


class ContractIn(ObjectIn):
    # The same strict reading as every other write (common/strict.py, common/dates.py): no
    # JSON true for 1, no "1_000", no exponent, no non-ASCII digits, no year 9999.
    pilot_id: StrictInt | None = None
    vendor_id: StrictInt | None = None
    channel: Literal["email", "chat", "phone"] | None = None
    quote_id: StrictInt | None = None
    start_date: SaneDate
    months: StrictInt
    targets: TargetsIn | None = None
    # docs/domain.md §6: optional with a pilot or a quote (the quote's monthly charge for the
    # channel), required otherwise.
    monthly_charge: Money | None = None
    credit_pct_per_missed_kpi: Money = Decimal(0)
    credit_cap_pct: Money = Decimal(0)
    # docs/domain.md §5 library (default with a pilot: the pilot's).
    extra_kpis: dict[str, StrictDecimal] | None = None
    must_meet: list[str] | None = None


class ContractTargetsOut(Schema):
    csat_pct: str
    frt_minutes: str
    aht_minutes: str
    fcr_pct: str
    cost_per_ticket: str


class ContractOut(Schema):
    id: int
    vendor_id: int
    channel: str
    pilot_id: int | None
    quote_id: int | None
    start_date: dt.date
    end_date: dt.date
    months: int
    status: str
    targets: ContractTargetsOut
    monthly_charge: str
    credit_pct_per_missed_kpi: str
    credit_cap_pct: str
    latest_standing: str | None
    latest_month: str | None

    @staticmethod
    def resolve_status(obj: Contract) -> str:
        return contract_status(obj, app_today())

    @staticmethod
    def resolve_targets(obj: Contract) -> dict[str, str]:
        return {key: s2(value) for key, value in contract_targets(obj).items()}

    @staticmethod
    def resolve_monthly_charge(obj: Contract) -> str:
        return s2(obj.monthly_charge)

    @staticmethod
    def resolve_credit_pct_per_missed_kpi(obj: Contract) -> str:
        return s2(obj.credit_pct_per_missed_kpi)

    @staticmethod
    def resolve_credit_cap_pct(obj: Contract) -> str:
        return s2(obj.credit_cap_pct)

    @staticmethod
    def resolve_latest_standing(obj: Contract) -> str | None:
        return getattr(obj, "latest_standing", None)

    @staticmethod
    def resolve_latest_month(obj: Contract) -> str | None:
        month = getattr(obj, "latest_month", None)
        return f"{month:%Y-%m}" if month else None


class PeriodOut(Schema):
    id: int
    month: str  # the period's last calendar month
    from_: dt.date = Field(..., alias="from")
    to: dt.date
    kpis: KpisOut
    met_count: int
    data_coverage_pct: str
    standing: str
    cost: str
    credit: str


def period_out(period: ContractPeriod) -> dict:
    return {
        "id": period.pk,
        "month": f"{period.month:%Y-%m}",
        "from": period.date_from,
        "to": period.date_to,
        "kpis": scorecard_kpis_out(period.kpis),
        "met_count": period.met_count,
        "data_coverage_pct": s2(period.data_coverage_pct),
        "standing": period.standing,
        "cost": s2(period.cost),
        "credit": s2(period.credit),
    }


class ActionIn(ObjectIn):
    # Each field's check is the page's (contracts.validators).
    text: ActionText
    owner: OwnerText
    due_date: SaneDate


class ReviewIn(ObjectIn):
    date: SaneDate
    kind: Literal["coaching", "monthly_review"]
    attendees: AttendeesText
    notes: NotesText = ""
    actions: list[ActionIn] = []


class ActionOut(Schema):
    id: int
    text: str
    owner: str
    due_date: dt.date
    done: bool


class ReviewOut(Schema):
    id: int
    contract_id: int
    date: dt.date
    kind: str
    attendees: str
    notes: str
    actions: list[ActionOut]

    @staticmethod
    def resolve_actions(obj) -> list:
        return list(obj.actions.order_by("due_date", "id"))


@router.post("/contracts", response={201: ContractOut}, summary="Create a contract")
def contract_create_endpoint(request: HttpRequest, payload: ContractIn):
    """Procurement. From `pilot_id` (decided "scale up"; its vendor, channel, targets and the
    quote's monthly cost are the defaults) or from `vendor_id` + `channel` (optionally
    `quote_id`). A pilot not decided "scale up" is refused with 422."""
    user = request.auth
    check_role(user, PROCUREMENT)
    pilot = vendor = quote = None
    defaults = None
    if payload.pilot_id is not None:
        pilot = (
            Pilot.objects.select_related("vendor", "quote__rfq").filter(pk=payload.pilot_id).first()
        )
        if pilot is None:
            raise ApiValidationError({"pilot_id": str(NO_SUCH_PILOT)})
        defaults = contract_defaults_from_pilot(pilot)
    else:
        errors = {}
        if payload.vendor_id is None:
            errors["vendor_id"] = "Give a pilot_id, or a vendor_id and a channel."
        else:
            vendor = Vendor.objects.filter(pk=payload.vendor_id).first()
            if vendor is None:
                errors["vendor_id"] = "No such vendor."
        if payload.channel is None:
            errors["channel"] = "Give the channel with a vendor_id."
        if payload.quote_id is not None:
            quote = Quote.objects.select_related("rfq").filter(pk=payload.quote_id).first()
            if quote is None:
                errors["quote_id"] = "No such quote."
        if errors:
            raise ApiValidationError(errors)
        if quote is not None and quote.vendor_id == vendor.pk:
            defaults = contract_defaults_from_quote(quote, channel=payload.channel)
    targets: dict[str, Decimal | None] = dict(defaults.targets) if defaults else {}
    given = payload.targets.dict() if payload.targets else {}
    targets.update({key: value for key, value in given.items() if value is not None})
    try:
        contract = contract_create(
            by=user,
            pilot=pilot,
            vendor=vendor,
            channel=payload.channel,
            quote=quote,
            start_date=payload.start_date,
            months=payload.months,
            targets={key: targets.get(key) for key in KPI_KEYS},
            credit_pct_per_missed_kpi=payload.credit_pct_per_missed_kpi,
            credit_cap_pct=payload.credit_cap_pct,
            monthly_charge=payload.monthly_charge,
            extra_targets=payload.extra_kpis,
            must_meet=payload.must_meet,
        )
    except ValidationError as exc:
        raise _api_error(exc) from None
    return Status(201, get_contract_for_user(user, contract.pk))


@router.get("/contracts", response=list[ContractOut], summary="List contracts")
@paginate(bounded_limit_offset_pagination())
def contract_list_endpoint(request: HttpRequest):
    """Procurement and managers: every contract; a vendor: its own. Newest first."""
    check_role(request.auth, EVERYONE)
    return contracts_for_user(request.auth).order_by("-start_date", "-id")


@router.get("/contracts/{id}", response=ContractOut, summary="One contract")
def contract_detail_endpoint(request: HttpRequest, id: int):  # noqa: A002 - docs/api.md's name
    check_role(request.auth, EVERYONE)
    return get_contract_for_user(request.auth, id)


@router.get(
    "/contracts/{id}/periods",
    response=list[PeriodOut],
    by_alias=True,
    exclude_unset=True,  # an extra KPI the contract does not track is left out of `kpis`
    summary="The months that are over",
)
def contract_periods_endpoint(request: HttpRequest, id: int):  # noqa: A002
    """Every closed month, oldest first; the vendor sees its own credits."""
    check_role(request.auth, EVERYONE)
    contract = get_contract_for_user(request.auth, id)
    return [period_out(p) for p in contract_periods_closed(contract)]


@router.post(
    "/contracts/{id}/reviews", response={201: ReviewOut}, summary="Record a review meeting"
)
def review_create_endpoint(request: HttpRequest, id: int, payload: ReviewIn):  # noqa: A002
    """Procurement and managers: a weekly coaching or monthly review with its actions."""
    check_role(request.auth, INTERNAL)
    contract = get_contract_for_user(request.auth, id)
    try:
        review = review_create(
            contract=contract,
            date=payload.date,
            kind=payload.kind,
            attendees=payload.attendees,
            notes=payload.notes,
            actions=[action.dict() for action in payload.actions],
            by=request.auth,
        )
    except ValidationError as exc:
        raise _api_error(exc) from None
    return Status(201, review)


@router.put(
    "/contracts/{id}/kpis/{date}",
    response={200: KpiEntryOut, 201: KpiEntryOut},
    summary="Put one day's KPIs of a contract",
)
def contract_kpi_put_endpoint(request: HttpRequest, id: int, date: dt.date, payload: KpiIn):  # noqa: A002
    """The contract's vendor or procurement, exactly as for pilots: 201 for a new day, 200
    when the day's entry was replaced (the old values stay in its history); 422 names the
    field for a date outside the contract or in the future and every rule of a day."""
    check_role(request.auth, KPI_WRITERS)
    contract = get_contract_for_user(request.auth, id)
    try:
        entry, created = contract_kpi_day_upsert(
            contract=contract,
            day=date,
            values=payload.dict(exclude_unset=True),
            by=request.auth,
            source="API",
        )
    except ValidationError as exc:
        raise _api_error(exc) from None
    return Status(201 if created else 200, entry)


@router.get("/contracts/{id}/kpis", response=list[KpiEntryOut], summary="A contract's daily KPIs")
def contract_kpi_list_endpoint(request: HttpRequest, id: int):  # noqa: A002
    """Oldest first."""
    check_role(request.auth, EVERYONE)
    contract = get_contract_for_user(request.auth, id)
    return ContractKpiEntry.objects.filter(contract=contract).order_by("day")
