"""Procurement endpoints of docs/api.md: vendors, RFQs, invitations and quotes.

The endpoints call the same services and selectors as the pages, so the rules are one set.
Roles: procurement (and admin) write; managers read (403 on writes); a vendor reads only the
RFQs it is invited to and its own quote (404 for anything else, so existence does not leak).
Every rejected request is a 422 naming the field, and changes nothing.
"""

from collections.abc import Callable, Mapping
from datetime import datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import create_model, field_validator

from accounts.permissions import INTERNAL, PROCUREMENT, VENDORS, check_role
from common.api import ApiValidationError, ObjectIn, bounded_limit_offset_pagination
from common.bounds import api_bound, bound_name
from common.dates import SaneDateTime
from common.strict import (
    MAX_TEXT_LENGTH,
    BoundedText,
    Money,
    StrictInt,
    bounded_text,
    strict_decimal,
)
from costing.engine.numbers import s2_or_none

from . import selectors, services
from .checks import quote_gaps, quote_rate_flags, quote_risk
from .filters import RfqFilter
from .models import DEFAULT_WEIGHTS, Quote, Rfq, RfqStatus, TestCaseAnswer, Vendor
from .quote_template import TEMPLATE_FIELDS
from .standing import standing_warnings

router = Router(tags=["procurement"])

READERS = frozenset(INTERNAL | VENDORS)
QUOTE_WRITERS = frozenset(PROCUREMENT | VENDORS)


def _dec(value: Decimal | None) -> str | None:
    """docs/api.md: decimals are strings with two decimals ("40500.00")."""
    return s2_or_none(value)


def _reject(exc: ValidationError, rename: Callable[[str], str] = lambda f: f) -> None:
    """A service's ValidationError as the API's 422, with the API's field names."""
    if hasattr(exc, "error_dict"):
        errors = {rename(field): messages for field, messages in exc.message_dict.items()}
    else:
        errors = {"__all__": exc.messages}
    raise ApiValidationError(errors) from exc


class ApiIn(ObjectIn):
    """Request bodies: text may not hold NUL characters (the database refuses them)."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("Null characters are not allowed.")
        return value


# --- vendors -------------------------------------------------------------------------------


class VendorOut(Schema):
    id: int
    name: str
    region: str
    country: str
    contact_email: str
    website: str
    cert_iso27001: bool
    cert_soc2: bool
    other_certifications: str


class VendorIn(ApiIn):
    name: bounded_text(200)
    region: Literal["offshore", "nearshore", "onshore"]
    country: bounded_text(100) = ""
    contact_email: bounded_text(254) = ""
    website: bounded_text(200) = ""
    cert_iso27001: bool = False
    cert_soc2: bool = False
    other_certifications: bounded_text(300) = ""
    notes: BoundedText = ""


@router.get("/vendors", response=list[VendorOut])
@paginate(bounded_limit_offset_pagination())
def vendor_list(request: HttpRequest):
    """The vendors by name, a page at a time (procurement and managers)."""
    check_role(request.auth, INTERNAL)
    return Vendor.objects.order_by("name")


class VendorCreatedOut(VendorOut):
    warnings: list[str] = Field(
        default_factory=list,
        description="E.g. the name reads the same as an existing vendor's once normalised.",
    )


@router.post("/vendors", response={201: VendorCreatedOut})
def vendor_create(request: HttpRequest, payload: VendorIn):
    """Add a vendor (procurement)."""
    check_role(request.auth, PROCUREMENT)
    try:
        vendor = services.vendor_create(by=request.auth, data=payload.dict())
    except ValidationError as exc:
        _reject(exc)
    out = VendorOut.from_orm(vendor).dict()
    return Status(201, {**out, "warnings": services.vendor_name_warnings(vendor)})


# --- RFQs ----------------------------------------------------------------------------------


# Numbers are read strictly (common.strict) and decimals take at most two places: what the
# API returns (docs/api.md), so a value never comes back other than it went in.


def _bounded(kind: Any, name: str) -> Any:
    """`kind` with the plausible bound of `name` (common.bounds, shared with the forms)."""
    table_name = bound_name(name)
    return kind if table_name is None else Annotated[kind, api_bound(table_name)]


class ChannelIn(ApiIn):
    """A live channel (chat, phone) also takes its queue settings (docs/domain.md §1); left out,
    they take the defaults: 80% within 20 s (phone) or 60 s (chat), 1 call or 1.7 chats."""

    channel: Literal["email", "chat", "phone"]
    volume_per_month: _bounded(StrictInt, "volume_per_month")
    aht_minutes: _bounded(Money, "aht_minutes")
    sla_response_minutes: _bounded(Money, "sla_response_minutes") | None = None
    concurrency: _bounded(strict_decimal(2), "concurrency") | None = None
    service_level_pct: _bounded(Money, "service_level_pct") | None = None
    answer_seconds: _bounded(Money, "answer_seconds") | None = None
    hourly_weights: list[strict_decimal(4)] | None = Field(
        None, max_length=24, description="One positive weight per open hour; empty: equal."
    )


class TargetsIn(ApiIn):
    csat_pct: _bounded(Money, "csat_pct") = Decimal("85")
    frt_minutes: _bounded(Money, "frt_minutes") = Decimal("60")
    aht_minutes: _bounded(Money, "aht_minutes") | None = None
    fcr_pct: _bounded(Money, "fcr_pct") = Decimal("70")
    cost_per_ticket: _bounded(Money, "cost_per_ticket") | None = None


class InHouseIn(ApiIn):
    gross_salary_month: _bounded(Money, "gross_salary_month") = Decimal("2500")
    employer_costs_pct: _bounded(Money, "employer_costs_pct") = Decimal("35")
    overhead_per_fte_month: _bounded(Money, "overhead_per_fte_month") = Decimal("0")
    licences_per_fte_month: _bounded(Money, "licences_per_fte_month") = Decimal("0")
    absence_pct: _bounded(Money, "absence_pct") = Decimal("0")
    productive_hours_per_fte_month: _bounded(Money, "productive_hours_per_fte_month") = Decimal(
        "160"
    )
    one_time: _bounded(Money, "one_time") = Decimal("0")
    fte: _bounded(Money, "fte") | None = None
    # docs/domain.md §1: a live channel's in-house desk.
    hours_per_week: _bounded(Money, "hours_per_week") = Decimal("40")
    shrinkage_pct: _bounded(Money, "shrinkage_pct") = Decimal("0")
    live_staffing: Literal["dedicated", "combined"] = "dedicated"


class TestCaseIn(ApiIn):
    id: StrictInt | None = Field(None, description="Keep an existing test case (and its answers).")
    title: bounded_text(200)
    description: BoundedText = ""


class TestCaseOut(Schema):
    id: int
    title: str
    description: str


class RfqIn(ApiIn):
    title: bounded_text(200)
    reference: bounded_text(50) = ""
    description: BoundedText = ""
    status: Literal["draft", "open"] = Field(
        "open", description="`open` (default) e-mails the invited vendors; `draft` waits."
    )
    channels: list[ChannelIn]
    opens_at: time = time(9, 0)
    closes_at: time = time(17, 0)
    days_per_week: StrictInt = 5
    languages: bounded_text(200) = ""
    term_months: StrictInt = 12
    transition_months: StrictInt = Field(
        0, description="Months of double running, at most the term."
    )
    quote_deadline: SaneDateTime
    automation_deflection_pct: _bounded(Money, "automation_deflection_pct") = Decimal("0")
    targets: TargetsIn = Field(default_factory=TargetsIn)
    in_house: InHouseIn = Field(default_factory=InHouseIn)
    own_management_per_month: _bounded(Money, "own_management_per_month") = Decimal("0")
    strategic: bool = False
    weights: dict[str, StrictInt] | None = Field(
        None,
        description="docs/domain.md §4: whole numbers summing to 100 over cost, service, "
        "compliance, scalability, risk, test_cases (criteria left out weigh 0).",
        examples=[DEFAULT_WEIGHTS],
    )
    must_haves: list[bounded_text(50)] = Field(
        default_factory=list, description="Checklist keys a quote must answer, e.g. dpa."
    )
    test_cases: list[TestCaseIn] = Field(default_factory=list)


class ChannelOut(Schema):
    channel: str
    volume_per_month: int
    aht_minutes: str
    sla_response_minutes: str | None
    concurrency: str | None = Field(description="Live channels only (null for e-mail).")
    service_level_pct: str | None
    answer_seconds: str | None
    hourly_weights: list[str]


class RfqTargetsOut(Schema):
    csat_pct: str
    frt_minutes: str
    aht_minutes: str | None
    fcr_pct: str
    cost_per_ticket: str | None


class RfqInHouseOut(Schema):
    gross_salary_month: str
    employer_costs_pct: str
    overhead_per_fte_month: str
    licences_per_fte_month: str
    absence_pct: str
    productive_hours_per_fte_month: str
    one_time: str
    fte: str | None
    hours_per_week: str
    shrinkage_pct: str
    live_staffing: str


class InvitationOut(Schema):
    id: int
    rfq_id: int
    vendor_id: int
    state: str = Field(description="invited, viewed, draft, submitted or declined")
    invited_at: datetime
    viewed_at: datetime | None
    declined_at: datetime | None
    decline_reason: str


class RfqOut(Schema):
    id: int
    reference: str
    title: str
    description: str
    status: str
    quote_deadline: datetime
    deadline_passed: bool
    # Local opening hours ("09:00"): JSON Schema's `time` format would demand a zone offset.
    opens_at: str = Field(pattern=r"^\d{2}:\d{2}$", examples=["09:00"])
    closes_at: str = Field(pattern=r"^\d{2}:\d{2}$", examples=["23:00"])
    days_per_week: int
    coverage_hours_per_week: str
    languages: str
    term_months: int
    transition_months: int
    automation_deflection_pct: str
    channels: list[ChannelOut]
    targets: RfqTargetsOut
    in_house: RfqInHouseOut | None = Field(description="The buyer's baseline: internal users only.")
    own_management_per_month: str | None
    strategic: bool | None
    awarded_quote_id: int | None
    weights: dict[str, int]
    must_haves: list[str]
    test_cases: list[TestCaseOut]


class RfqDetailOut(RfqOut):
    invitations: list[InvitationOut] = Field(description="A vendor sees only its own.")


class InvitationIn(ApiIn):
    vendor_id: StrictInt


class InvitationCreatedOut(InvitationOut):
    warnings: list[str]


# Model field ↔ API field: the baseline and the targets are nested objects in the API.
_RFQ_API_NAMES = {
    **{f"ih_{name}": f"in_house.{name}" for name in InHouseIn.model_fields},
    **{f"target_{name}": f"targets.{name}" for name in TargetsIn.model_fields},
}


def _rfq_field(name: str) -> str:
    return _RFQ_API_NAMES.get(name, name)


def _rfq_data(payload: RfqIn) -> dict[str, Any]:
    data = payload.dict(
        exclude={"channels", "targets", "in_house", "status", "weights", "must_haves", "test_cases"}
    )
    deadline = data["quote_deadline"]
    if timezone.is_naive(deadline):
        # A deadline without an offset is the app's local time (Europe/Amsterdam).
        data["quote_deadline"] = timezone.make_aware(deadline)
    data.update({f"target_{k}": v for k, v in payload.targets.dict().items()})
    data.update({f"ih_{k}": v for k, v in payload.in_house.dict().items()})
    return data


def _rfq_out(rfq: Rfq, user, *, invitations=None) -> dict[str, Any]:
    internal = user.is_internal
    out = {
        "id": rfq.pk,
        "reference": rfq.reference,
        "title": rfq.title,
        "description": rfq.description,
        "status": rfq.status,
        "quote_deadline": rfq.quote_deadline,
        "deadline_passed": services.quote_deadline_passed(rfq),
        "opens_at": rfq.opens_at.strftime("%H:%M"),
        "closes_at": rfq.closes_at.strftime("%H:%M"),
        "days_per_week": rfq.days_per_week,
        "coverage_hours_per_week": _dec(rfq.coverage_hours_per_week),
        "languages": rfq.languages,
        "term_months": rfq.term_months,
        "transition_months": rfq.transition_months,
        "automation_deflection_pct": _dec(rfq.automation_deflection_pct),
        "channels": [
            {
                "channel": c.channel,
                "volume_per_month": c.volume_per_month,
                "aht_minutes": _dec(c.aht_minutes),
                "sla_response_minutes": _dec(c.sla_response_minutes),
                "concurrency": _dec(c.concurrency),
                "service_level_pct": _dec(c.service_level_pct),
                "answer_seconds": _dec(c.answer_seconds),
                "hourly_weights": [str(w) for w in c.hourly_weights or ()],
            }
            for c in rfq.channels.all()
        ],
        "targets": {name: _dec(getattr(rfq, f"target_{name}")) for name in TargetsIn.model_fields},
        "in_house": (
            {
                name: rfq.ih_live_staffing
                if name == "live_staffing"
                else _dec(getattr(rfq, f"ih_{name}"))
                for name in InHouseIn.model_fields
            }
            if internal
            else None
        ),
        "own_management_per_month": _dec(rfq.own_management_per_month) if internal else None,
        "strategic": rfq.strategic if internal else None,
        "awarded_quote_id": rfq.awarded_quote_id if internal else None,
        "weights": rfq.weights,
        "must_haves": list(rfq.must_haves),
        "test_cases": [
            {"id": tc.pk, "title": tc.title, "description": tc.description}
            for tc in rfq.test_cases.all()
        ],
    }
    if invitations is not None:
        out["invitations"] = [_invitation_out(i) for i in invitations]
    return out


def _invitation_out(invitation) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "rfq_id": invitation.rfq_id,
        "vendor_id": invitation.vendor_id,
        "state": getattr(invitation, "state", invitation.status),
        "invited_at": invitation.invited_at,
        "viewed_at": invitation.viewed_at,
        "declined_at": invitation.declined_at,
        "decline_reason": invitation.decline_reason,
    }


@router.get("/rfqs", response=list[RfqOut])
def rfq_list(request: HttpRequest, status: str = "", q: str = ""):
    """RFQs: all for procurement and managers; a vendor's own invitations (never drafts)."""
    check_role(request.auth, READERS)
    if status and status not in RfqStatus.values:
        raise ApiValidationError({"status": f"One of {', '.join(RfqStatus.values)}."})
    rfqs = RfqFilter(
        {"q": q.replace("\x00", ""), "status": status},
        queryset=selectors.rfq_list(user=request.auth).prefetch_related("test_cases"),
    ).qs
    return [_rfq_out(rfq, request.auth) for rfq in rfqs]


@router.post("/rfqs", response={201: RfqDetailOut})
def rfq_create(request: HttpRequest, payload: RfqIn):
    """Create an RFQ with its scope, in-house baseline and term (procurement)."""
    check_role(request.auth, PROCUREMENT)
    try:
        with transaction.atomic():  # the RFQ and its criteria, or nothing
            rfq = services.rfq_create(
                by=request.auth,
                data=_rfq_data(payload),
                channels=[c.dict() for c in payload.channels],
            )
            services.rfq_criteria_update(
                rfq=rfq,
                by=request.auth,
                weights=payload.weights if payload.weights is not None else rfq.weights,
                must_haves=payload.must_haves,
            )
            if payload.test_cases:
                services.test_cases_replace(
                    rfq=rfq, by=request.auth, rows=[t.dict() for t in payload.test_cases]
                )
            if payload.status == "open":
                rfq = services.rfq_open(rfq=rfq, by=request.auth)
    except ValidationError as exc:
        _reject(exc, _rfq_field)
    return Status(201, _rfq_out(rfq, request.auth, invitations=[]))


@router.get("/rfqs/{id}", response=RfqDetailOut)
def rfq_detail(request: HttpRequest, id: int):
    """One RFQ with its scope. A vendor reading it marks its invitation viewed."""
    check_role(request.auth, READERS)
    rfq = selectors.get_rfq_for_user(request.auth, id)
    if request.auth.is_vendor:
        invitation = selectors.get_invitation_for_vendor(request.auth, rfq)
        services.invitation_mark_viewed(invitation=invitation, by=request.auth)
    invitations = selectors.invitations_for_rfq(rfq=rfq, user=request.auth)
    return _rfq_out(rfq, request.auth, invitations=invitations)


@router.post("/rfqs/{id}/invitations", response={201: InvitationCreatedOut})
def invitation_create(request: HttpRequest, id: int, payload: InvitationIn):
    """Invite a vendor; its users are e-mailed (once the RFQ is open)."""
    check_role(request.auth, PROCUREMENT)
    rfq = selectors.get_rfq_for_user(request.auth, id)
    vendor = Vendor.objects.filter(pk=payload.vendor_id).first()
    if vendor is None:
        raise ApiValidationError({"vendor_id": "No vendor with this id."})
    try:
        invitation = services.invitation_create(rfq=rfq, vendor=vendor, by=request.auth)
    except ValidationError as exc:
        _reject(exc, lambda f: "vendor_id" if f == "vendor" else f)
    out = _invitation_out(invitation)
    out["state"] = invitation.status
    out["warnings"] = [
        str(w) for w in [*services.invitation_warnings(rfq), *standing_warnings([vendor])]
    ]
    return Status(201, out)


# --- quotes --------------------------------------------------------------------------------


class OtherFeeIn(ApiIn):
    label: bounded_text(200)
    amount: Money
    per: Literal["month", "once"]


class OtherFeeOut(Schema):
    label: str
    amount: str
    per: str


def _api_type(name: str) -> Any:
    field = Quote._meta.get_field(name)
    kind = field.get_internal_type()
    if name == "other_fees":
        return list[OtherFeeIn] | None
    if kind == "DecimalField":
        return _bounded(strict_decimal(min(field.decimal_places, 2)), name) | None
    if kind in ("PositiveIntegerField", "IntegerField"):
        return _bounded(StrictInt, name) | None
    if kind == "BooleanField":
        return bool | None
    return bounded_text(field.max_length or MAX_TEXT_LENGTH) | None


def _out_type(name: str) -> Any:
    if name == "other_fees":
        return list[OtherFeeOut]
    kind = Quote._meta.get_field(name).get_internal_type()
    if kind == "DecimalField":
        return str | None
    if kind in ("PositiveIntegerField", "IntegerField"):
        return int | None
    if kind == "BooleanField":
        field = Quote._meta.get_field(name)
        return bool | None if field.null else bool
    return str


# The standard template's fields, built from the model so the API cannot drift from it.
class TestCaseAnswerIn(ApiIn):
    test_case_id: StrictInt
    answer: bounded_text(10000)


class TestCaseAnswerOut(Schema):
    test_case_id: int
    answer: str
    rating: int | None = Field(None, description="The buyer's 1–5 rating; internal users only.")


class TestCaseRatingIn(ApiIn):
    test_case_id: StrictInt
    rating: StrictInt | None = Field(..., description="1–5; null clears the rating.")


QuoteIn = create_model(
    "QuoteIn",
    __base__=ApiIn,
    vendor_id=(
        StrictInt | None,
        Field(None, description="Procurement only: the vendor the quote is entered for."),
    ),
    test_case_answers=(
        list[TestCaseAnswerIn] | None,
        Field(None, description="Answers to the RFQ's test cases."),
    ),
    **{name: (_api_type(name), None) for name in TEMPLATE_FIELDS},
)


class QuoteRateFlagOut(Schema):
    code: str
    rate: str
    value: str
    region: str
    band_low: str
    band_high: str


class RiskOut(Schema):
    id: int
    name: str
    probability_pct: str
    impact: str


QuoteOut = create_model(
    "QuoteOut",
    __base__=Schema,
    id=(int, ...),
    rfq_id=(int, ...),
    vendor_id=(int, ...),
    status=(str, ...),
    revision=(int, ...),
    submitted_at=(datetime | None, ...),
    entered_by_procurement=(bool, ...),
    has_offer_document=(bool, ...),
    gaps=(list[str], Field(..., description="Unanswered checklist items (docs/domain.md §3).")),
    rate_flags=(list[QuoteRateFlagOut] | None, Field(None, description="Internal users only.")),
    risk=(str | None, Field(None, description="Σ probability × impact; internal users only.")),
    risks=(list[RiskOut] | None, Field(None, description="Internal users only.")),
    test_case_answers=(
        list[TestCaseAnswerOut],
        Field(
            ...,
            description="Empty for internal users while the blind review of the RFQ's "
            "answers is not complete (test_case_answers_hidden).",
        ),
    ),
    test_case_answers_hidden=(
        bool,
        Field(
            False,
            description="True while some answer of the RFQ is unrated: the answers and "
            "ratings are not paired with vendors until every answer is rated.",
        ),
    ),
    **{name: (_out_type(name), ...) for name in TEMPLATE_FIELDS},
)


def _answers_hidden(rfq: Rfq, user) -> bool:
    """Blind review (issue 21): internal users see no answer paired with its vendor until
    every answer is rated; a vendor sees its own answers (never a rating)."""
    return bool(user.is_internal and selectors.blind_review_pending(rfq))


def _quote_out(quote: Quote, user, *, answers_hidden: bool | None = None) -> dict[str, Any]:
    if answers_hidden is None:
        answers_hidden = _answers_hidden(quote.rfq, user)
    out: dict[str, Any] = {
        "id": quote.pk,
        "rfq_id": quote.rfq_id,
        "vendor_id": quote.vendor_id,
        "status": quote.status,
        "revision": quote.revision,
        "submitted_at": quote.submitted_at,
        "entered_by_procurement": quote.entered_by_procurement,
        "has_offer_document": bool(quote.offer_document),
        "gaps": quote_gaps(quote),
        "test_case_answers": [
            {
                "test_case_id": a.test_case_id,
                "answer": a.answer,
                "rating": a.rating if user.is_internal else None,
            }
            for a in ([] if answers_hidden else quote.test_case_answers.all())
        ],
        "test_case_answers_hidden": answers_hidden,
    }
    for name in TEMPLATE_FIELDS:
        value = getattr(quote, name)
        out[name] = _dec(value) if isinstance(value, Decimal) else value
    if user.is_internal:
        # The buyer's own judgement: never shown to the vendor.
        out["rate_flags"] = [flag.as_dict() for flag in quote_rate_flags(quote)]
        out["risk"] = _dec(quote_risk(quote))
        out["risks"] = [
            {
                "id": r.pk,
                "name": r.name,
                "probability_pct": _dec(r.probability_pct),
                "impact": _dec(r.impact),
            }
            for r in quote.risks.all()
        ]
    return out


@router.get("/rfqs/{id}/quotes", response=list[QuoteOut])
def quote_list(request: HttpRequest, id: int):
    """The RFQ's quotes: every submitted one for internal users, a vendor's own only."""
    check_role(request.auth, READERS)
    rfq = selectors.get_rfq_for_user(request.auth, id)
    hidden = _answers_hidden(rfq, request.auth)
    return [
        _quote_out(q, request.auth, answers_hidden=hidden)
        for q in selectors.quotes_for_rfq(rfq=rfq, user=request.auth)
    ]


def _quote_vendor(request: HttpRequest, payload_vendor_id: int | None) -> Vendor:
    user = request.auth
    if user.is_vendor:
        if payload_vendor_id not in (None, user.vendor_id):
            raise ApiValidationError({"vendor_id": "A vendor submits only its own quote."})
        return user.vendor
    if payload_vendor_id is None:
        raise ApiValidationError(
            {"vendor_id": "Required: name the vendor you enter this quote for."}
        )
    vendor = Vendor.objects.filter(pk=payload_vendor_id).first()
    if vendor is None:
        raise ApiValidationError({"vendor_id": "No vendor with this id."})
    return vendor


@router.post("/rfqs/{id}/quotes", response={200: QuoteOut, 201: QuoteOut})
def quote_submit(request: HttpRequest, id: int, payload: QuoteIn):  # type: ignore[valid-type]
    """Submit a quote on the standard template (201); a second POST revises it (200, revision
    + 1). Fields left out keep their value. Procurement passes `vendor_id`."""
    check_role(request.auth, QUOTE_WRITERS)
    rfq = selectors.get_rfq_for_user(request.auth, id)
    vendor = _quote_vendor(request, payload.vendor_id)
    data: Mapping[str, Any] = payload.dict(
        exclude_unset=True, exclude={"vendor_id", "test_case_answers"}
    )
    answers = payload.test_case_answers
    try:
        with transaction.atomic():  # the quote and its answers, or nothing
            quote, created = services.quote_submit_or_update(
                rfq=rfq, vendor=vendor, by=request.auth, data=data
            )
            if answers is not None:
                services.test_case_answers_save(
                    quote=quote,
                    by=request.auth,
                    answers={a.test_case_id: a.answer for a in answers},
                )
    except ValidationError as exc:
        _reject(exc, lambda f: "vendor_id" if f == "vendor" else f)
    quote = selectors.get_quote_for_user(request.auth, quote.pk)
    return Status(201 if created else 200, _quote_out(quote, request.auth))


@router.get("/quotes/{id}", response=QuoteOut)
def quote_detail(request: HttpRequest, id: int):
    """One quote with its revision number; 404 for another vendor's quote."""
    check_role(request.auth, READERS)
    return _quote_out(selectors.get_quote_for_user(request.auth, id), request.auth)


@router.put("/quotes/{id}/test-case-ratings", response=list[TestCaseAnswerOut])
def quote_test_case_ratings(request: HttpRequest, id: int, payload: list[TestCaseRatingIn]):
    """Rate the quote's test-case answers 1–5 (procurement); the mean feeds the
    `test_cases` criterion of the comparison."""
    check_role(request.auth, PROCUREMENT)
    quote = selectors.get_quote_for_user(request.auth, id)
    ids = [r.test_case_id for r in payload]
    if len(set(ids)) != len(ids):
        raise ApiValidationError({"test_case_id": "Each test case may appear only once."})
    try:
        services.test_case_ratings_save(
            quote=quote, by=request.auth, ratings={r.test_case_id: r.rating for r in payload}
        )
    except ValidationError as exc:
        _reject(exc)
    return [
        {"test_case_id": a.test_case_id, "answer": a.answer, "rating": a.rating}
        for a in TestCaseAnswer.objects.filter(quote=quote)
    ]
