"""Quotes on the standard template (revisions kept in history) and the buyer's risk register."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common import events

from ..fees import parse_other_fees
from ..models import (
    Invitation,
    InvitationStatus,
    Quote,
    QuoteStatus,
    Rfq,
    RfqStatus,
    RiskItem,
    Vendor,
)
from ..quote_template import REQUIRED_RATES, TEMPLATE_FIELDS
from ..validators import validate_offer_document
from .base import (
    display_datetime,
    locked,
    require_procurement,
    save_with_history,
    update_with_history,
)
from .invitations import invitation_mark_viewed


def quote_deadline_passed(rfq: Rfq, *, now: datetime | None = None) -> bool:
    return (now or timezone.now()) > rfq.quote_deadline


def quote_write_error(*, rfq: Rfq, vendor: Vendor, by: User) -> ValidationError | None:
    """Why `by` may not write this vendor's quote on this RFQ now, or None.

    Vendors write only while the RFQ is open and before the deadline (the issue's lock);
    procurement may still enter a quote it received after the deadline or after closing,
    until the RFQ is awarded or cancelled. PermissionDenied for the wrong people."""
    if by.is_vendor:
        if by.vendor_id != vendor.pk:
            raise PermissionDenied
    elif not by.is_procurement:
        raise PermissionDenied
    invitation = Invitation.objects.filter(rfq=rfq, vendor=vendor).first()
    if invitation is None:
        return ValidationError({"vendor": _("This vendor is not invited to this RFQ.")})
    if invitation.status == InvitationStatus.DECLINED:
        return ValidationError({"vendor": _("This vendor declined the invitation.")})
    if by.is_vendor:
        if rfq.status != RfqStatus.OPEN:
            return ValidationError(
                {
                    "status": _("This RFQ is %(status)s: quotes can no longer be changed.")
                    % {"status": rfq.get_status_display().lower()}
                }
            )
        if quote_deadline_passed(rfq):
            return ValidationError(
                {
                    "quote_deadline": _(
                        "The quote deadline passed on %(deadline)s: the quote can no longer be "
                        "submitted or changed."
                    )
                    % {"deadline": display_datetime(rfq.quote_deadline)}
                }
            )
    elif not rfq.takes_entered_quotes:
        return ValidationError(
            {
                "status": _("This RFQ is %(status)s: quotes can no longer be changed.")
                % {"status": rfq.get_status_display().lower()}
            }
        )
    return None


def _lock_invitation(*, rfq_id: int, vendor_id: int) -> None:
    """Every write of a vendor's quote on an RFQ first locks the invitation row (one lock
    order, inside the caller's transaction): a double click or an API retry then waits for
    the first write and sees its quote, instead of inserting a second one and hitting the
    one-quote-per-vendor constraint (a 500). No invitation: nothing to lock; the write is
    refused below."""
    list(
        Invitation.objects.select_for_update()
        .filter(rfq_id=rfq_id, vendor_id=vendor_id)
        .values_list("pk", flat=True)
    )


def _check_write(*, rfq: Rfq, vendor: Vendor, by: User) -> None:
    # Decide on the RFQ as it is now in the database, not on a copy a caller held.
    rfq = Rfq.objects.get(pk=rfq.pk)
    error = quote_write_error(rfq=rfq, vendor=vendor, by=by)
    if error is not None:
        raise error


def _apply(quote: Quote, data: Mapping[str, Any]) -> set[str]:
    """Set the template fields given; return the names whose value changed."""
    changed = set()
    for name, value in data.items():
        if name not in TEMPLATE_FIELDS:
            continue
        field = quote._meta.get_field(name)
        if name == "other_fees":
            value = parse_other_fees(value)  # ValidationError names the row: other_fees.1.amount
        elif value is None and not field.null:
            # Text fields store "not answered" as empty; plain booleans as False.
            value = False if field.get_internal_type() == "BooleanField" else ""
        if getattr(quote, name) != value:
            setattr(quote, name, value)
            changed.add(name)
    return changed


def _attach_document(quote: Quote, document: UploadedFile | None) -> bool:
    if document is None:
        return False
    try:
        validate_offer_document(document)
    except ValidationError as exc:
        raise ValidationError({"offer_document": exc.messages}) from exc
    quote.offer_document = document
    return True


def _check_values(quote: Quote) -> None:
    if quote.agents_offered is not None and quote.agents_offered < 1:
        raise ValidationError({"agents_offered": _("Offer at least one agent, or leave empty.")})


def _check_submittable(quote: Quote) -> None:
    """A submitted quote must be priceable: a pricing model and the rates it needs
    (docs/domain.md §2). Everything else may stay open; it shows as a gap."""
    errors: dict[str, str] = {}
    if not quote.pricing_model:
        errors["pricing_model"] = _("Choose a pricing model before submitting.")
    else:
        for name in REQUIRED_RATES.get(quote.pricing_model, ()):
            if getattr(quote, name) is None:
                errors[name] = _("Required for the %(model)s pricing model.") % {
                    "model": quote.get_pricing_model_display().lower()
                }
        if (
            quote.pricing_model == "mixed"
            and quote.hourly_rate is None
            and quote.per_ticket_rate is None
        ):
            errors["hourly_rate"] = _(
                "A mixed price needs an hourly rate or a rate per ticket besides the monthly fee."
            )
    # docs/domain.md §2: onboarding and training hours are priced at the training rate, else the
    # hourly rate; with neither they would cost €0 silently.
    if (
        (quote.onboarding_hours_per_agent or 0) + (quote.training_hours_per_agent or 0) > 0
        and quote.onboarding_hourly_rate is None
        and quote.hourly_rate is None
    ):
        errors["onboarding_hourly_rate"] = _(
            "Give the training rate an hour to price the onboarding and training hours."
        )
    if errors:
        raise ValidationError(errors)


def _quote_for_write(*, rfq: Rfq, vendor: Vendor) -> Quote:
    quote = Quote.objects.select_for_update().filter(rfq=rfq, vendor=vendor).first()
    return quote or Quote(rfq=rfq, vendor=vendor)


@transaction.atomic
def quote_save_draft(
    *,
    rfq: Rfq,
    vendor: Vendor,
    by: User,
    data: Mapping[str, Any],
    offer_document: UploadedFile | None = None,
) -> Quote:
    """Save work in progress (revision 0). A submitted quote is changed with quote_update."""
    _lock_invitation(rfq_id=rfq.pk, vendor_id=vendor.pk)
    _check_write(rfq=rfq, vendor=vendor, by=by)
    quote = _quote_for_write(rfq=rfq, vendor=vendor)
    if quote.status == QuoteStatus.SUBMITTED:
        raise ValidationError(
            {"status": _("This quote is already submitted: save your changes as a new revision.")}
        )
    _apply(quote, data)
    _attach_document(quote, offer_document)
    _check_values(quote)
    quote.entered_by_procurement = by.is_internal
    save_with_history(quote, by=by)
    invitation = Invitation.objects.get(rfq=rfq, vendor=vendor)
    invitation_mark_viewed(invitation=invitation, by=by)
    return quote


@transaction.atomic
def quote_submit(
    *,
    rfq: Rfq,
    vendor: Vendor,
    by: User,
    data: Mapping[str, Any] | None = None,
    offer_document: UploadedFile | None = None,
) -> Quote:
    """Submit the quote (revision 1). Procurement entering it for a vendor is recorded.

    Idempotent: submitting the same quote again (a double click, a retry) answers the quote
    as submitted; a different one must be saved as a revision (`quote_update`)."""
    _lock_invitation(rfq_id=rfq.pk, vendor_id=vendor.pk)
    _check_write(rfq=rfq, vendor=vendor, by=by)
    quote = _quote_for_write(rfq=rfq, vendor=vendor)
    if quote.status == QuoteStatus.SUBMITTED:
        if offer_document is None and not _apply(quote, data or {}):
            return quote
        raise ValidationError(
            {"status": _("This quote is already submitted: save your changes as a new revision.")}
        )
    _apply(quote, data or {})
    _attach_document(quote, offer_document)
    _check_values(quote)
    _check_submittable(quote)
    quote.status = QuoteStatus.SUBMITTED
    quote.revision = 1
    quote.submitted_at = timezone.now()
    quote.submitted_by = by
    quote.entered_by_procurement = by.is_internal
    save_with_history(quote, by=by)
    invitation = Invitation.objects.get(rfq=rfq, vendor=vendor)
    invitation_mark_viewed(invitation=invitation, by=by)
    _emit_submitted(quote)
    return quote


def _emit_submitted(quote: Quote) -> None:
    events.emit(
        events.QUOTE_SUBMITTED,
        [
            {
                "quote_id": quote.pk,
                "rfq_id": quote.rfq_id,
                "vendor_id": quote.vendor_id,
                "revision": quote.revision,
                "submitted_at": quote.submitted_at.isoformat(),
            }
        ],
    )


@transaction.atomic
def quote_update(
    *,
    quote: Quote,
    by: User,
    data: Mapping[str, Any],
    offer_document: UploadedFile | None = None,
) -> Quote:
    """Change a submitted quote: a new revision (+1), kept in history with who, when and the
    changed fields. Saving without a change makes no revision."""
    _lock_invitation(rfq_id=quote.rfq_id, vendor_id=quote.vendor_id)
    quote = (
        Quote.objects.select_for_update(of=("self",))
        .select_related("rfq", "vendor")
        .get(pk=quote.pk)
    )
    _check_write(rfq=quote.rfq, vendor=quote.vendor, by=by)
    if quote.status != QuoteStatus.SUBMITTED:
        raise ValidationError({"status": _("This quote is a draft: save it or submit it first.")})
    changed = _apply(quote, data)
    if _attach_document(quote, offer_document):
        changed.add("offer_document")
    if not changed:
        return quote
    _check_values(quote)
    _check_submittable(quote)
    quote.revision += 1
    quote.submitted_at = timezone.now()
    quote.submitted_by = by
    quote.entered_by_procurement = by.is_internal
    save_with_history(quote, by=by)
    _emit_submitted(quote)
    return quote


@transaction.atomic
def quote_submit_or_update(
    *,
    rfq: Rfq,
    vendor: Vendor,
    by: User,
    data: Mapping[str, Any],
    offer_document: UploadedFile | None = None,
) -> tuple[Quote, bool]:
    """docs/api.md: a POST submits the quote; a second POST revises it. Returns (quote, created).
    The same POST twice at once: the second waits for the first (the invitation's lock) and
    revises it with no change, so it answers the quote as submitted (200), never a 500."""
    _lock_invitation(rfq_id=rfq.pk, vendor_id=vendor.pk)
    existing = Quote.objects.filter(rfq=rfq, vendor=vendor).first()
    if existing is not None and existing.status == QuoteStatus.SUBMITTED:
        return quote_update(quote=existing, by=by, data=data, offer_document=offer_document), False
    quote = quote_submit(rfq=rfq, vendor=vendor, by=by, data=data, offer_document=offer_document)
    return quote, True


# --- risk register -------------------------------------------------------------------------

RISK_FIELDS = ("name", "probability_pct", "impact")


@transaction.atomic
def risk_item_create(*, quote: Quote, by: User, data: Mapping[str, Any]) -> RiskItem:
    """docs/domain.md §4: the buyer's own register; vendors never see it."""
    require_procurement(by)
    risk = RiskItem(quote=quote, **{k: v for k, v in data.items() if k in RISK_FIELDS})
    save_with_history(risk, by=by)
    return risk


@transaction.atomic
def risk_item_update(*, risk: RiskItem, by: User, data: Mapping[str, Any]) -> RiskItem:
    require_procurement(by)
    risk = locked(RiskItem, risk.pk)  # the row as stored, not a form's bound copy
    update_with_history(risk, by=by, fields=RISK_FIELDS, data=data)
    return risk


@transaction.atomic
def risk_item_delete(*, risk: RiskItem, by: User) -> None:
    require_procurement(by)
    risk._history_user = by
    risk.delete()
