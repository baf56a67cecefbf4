"""Pilot endpoints of docs/api.md: create and read pilots, put and read daily KPIs.

A vendor reaches only its own pilots (another vendor's pilot is 404, so existence does not
leak); managers read but may not write KPIs (403). Every write goes through a service, and a
refused write changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from accounts.permissions import EVERYONE, PROCUREMENT, VENDORS, check_role
from common.api import ApiValidationError, ObjectIn, bounded_limit_offset_pagination
from common.dates import SaneDate
from common.strict import StrictDecimal, StrictInt
from kpis.models import TARGET_FIELDS
from kpis.rules import KPI_KEYS, s2
from kpis.schemas import KpiEntryOut, KpiIn, TargetsIn, TargetsOut
from kpis.targets import DEFAULT_TARGETS, defaults_from_quote
from procurement.models import Quote, Vendor

from .models import KpiEntry, Pilot
from .selectors import app_today, get_pilot_for_user, pilots_for_user
from .services import kpi_entry_upsert, pilot_create

router = Router(tags=["pilots"])

KPI_WRITERS = VENDORS | PROCUREMENT
# Service (model) field → the API's field name.
_API_FIELD = {
    "vendor": "vendor_id",
    "quote": "quote_id",
    "day": "date",
    "extra_targets": "extra_kpis",
    **{model: f"targets.{key}" for key, model in TARGET_FIELDS.items()},
}


def _api_error(exc: ValidationError) -> ApiValidationError:
    return ApiValidationError.from_django(exc, names=_API_FIELD)


class PilotIn(ObjectIn):
    vendor_id: StrictInt
    quote_id: StrictInt | None = None
    channel: Literal["email", "chat", "phone"]
    start_date: SaneDate
    length_days: StrictInt
    targets: TargetsIn | None = None
    # docs/domain.md §5 library: the tracked extra KPIs with their targets, and the must-meet set.
    extra_kpis: dict[str, StrictDecimal] | None = None
    must_meet: list[str] | None = None


class PilotOut(Schema):
    id: int
    vendor_id: int
    quote_id: int | None
    channel: str
    start_date: dt.date
    length_days: int
    status: str
    day_number: int
    targets: TargetsOut
    extra_kpis: dict[str, str]
    must_meet: list[str]

    @staticmethod
    def resolve_extra_kpis(obj: Pilot) -> dict[str, str]:
        return {key: s2(value) for key, value in obj.extra_kpi_targets.items()}

    @staticmethod
    def resolve_must_meet(obj: Pilot) -> list[str]:
        return obj.must_meet_kpis

    @staticmethod
    def resolve_status(obj: Pilot) -> str:
        return obj.status_on(app_today())

    @staticmethod
    def resolve_day_number(obj: Pilot) -> int:
        return obj.day_on(app_today())

    @staticmethod
    def resolve_targets(obj: Pilot) -> dict[str, str]:
        return {key: s2(value) for key, value in obj.core_targets.items()}


@router.post("/pilots", response={201: PilotOut}, summary="Create a pilot")
def pilot_create_endpoint(request: HttpRequest, payload: PilotIn):
    """Procurement. `start_date` may lie in the past; `targets` default from the quote."""
    user = request.auth
    check_role(user, PROCUREMENT)
    vendor = Vendor.objects.filter(pk=payload.vendor_id).first()
    if vendor is None:
        raise ApiValidationError({"vendor_id": "No such vendor."})
    quote = None
    targets: dict[str, Decimal | None] = dict(DEFAULT_TARGETS)
    if payload.quote_id is not None:
        quote = Quote.objects.filter(pk=payload.quote_id).select_related("rfq").first()
        if quote is None:
            raise ApiValidationError({"quote_id": "No such quote."})
        if quote.vendor_id == vendor.id:
            targets.update(defaults_from_quote(quote, channel=payload.channel).targets)
    given = payload.targets.dict() if payload.targets else {}
    targets.update({key: value for key, value in given.items() if value is not None})
    try:
        pilot = pilot_create(
            vendor=vendor,
            quote=quote,
            channel=payload.channel,
            start_date=payload.start_date,
            length_days=payload.length_days,
            targets={key: targets.get(key) for key in KPI_KEYS},
            extra_targets=payload.extra_kpis,
            must_meet=payload.must_meet,
            by=user,
        )
    except ValidationError as exc:
        raise _api_error(exc) from None
    return Status(201, pilot)


@router.get("/pilots", response=list[PilotOut], summary="List pilots")
@paginate(bounded_limit_offset_pagination())
def pilot_list_endpoint(request: HttpRequest):
    """Procurement and managers: every pilot; a vendor: its own. Newest first."""
    check_role(request.auth, EVERYONE)
    return pilots_for_user(request.auth).order_by("-start_date", "-id")


@router.get("/pilots/{id}", response=PilotOut, summary="One pilot")
def pilot_detail_endpoint(request: HttpRequest, id: int):  # noqa: A002 - docs/api.md's path name
    check_role(request.auth, EVERYONE)
    return get_pilot_for_user(request.auth, id)


@router.put(
    "/pilots/{id}/kpis/{date}",
    response={200: KpiEntryOut, 201: KpiEntryOut},
    summary="Put one day's KPIs",
)
def kpi_put_endpoint(request: HttpRequest, id: int, date: SaneDate, payload: KpiIn):  # noqa: A002
    """The pilot's vendor or procurement. 201 for a new day, 200 when the day's entry was
    replaced (the old values stay in its history). 422 names the field for a date outside the
    pilot or in the future, a negative number, `csat_positive` > `csat_responses`,
    `fcr_resolved` > `tickets`, or an implausible value; and for a final day (docs/domain.md §5:
    the decision was based on it) unless procurement corrects it with a `reason`."""
    check_role(request.auth, KPI_WRITERS)
    pilot = get_pilot_for_user(request.auth, id)
    try:
        entry, created = kpi_entry_upsert(
            pilot=pilot,
            day=date,
            values=payload.dict(exclude_unset=True),
            by=request.auth,
            source="API",
        )
    except ValidationError as exc:
        raise _api_error(exc) from None
    return Status(201 if created else 200, entry)


@router.get("/pilots/{id}/kpis", response=list[KpiEntryOut], summary="A pilot's daily KPIs")
def kpi_list_endpoint(request: HttpRequest, id: int):  # noqa: A002
    """Oldest first."""
    check_role(request.auth, EVERYONE)
    pilot = get_pilot_for_user(request.auth, id)
    return KpiEntry.objects.filter(pilot=pilot).order_by("day")
