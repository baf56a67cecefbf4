"""Writes for procurement (STYLE.md: services write, `<entity>_<action>(*, …, by)`).

Every service checks who may do it (PermissionDenied → 403), validates with `full_clean()`
and its own rules (ValidationError naming the field → form error or API 422), and runs in
one transaction, so a rejected request changes nothing. Views and the API call these same
functions: there is one set of rules.

RFQ life cycle: draft → open → closed → awarded | cancelled.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User

from .models import (
    Channel,
    Invitation,
    InvitationStatus,
    Quote,
    QuoteStatus,
    Rfq,
    RfqChannel,
    RfqStatus,
    RiskItem,
    Vendor,
)
from .quote_template import REQUIRED_RATES, TEMPLATE_FIELDS
from .validators import validate_offer_document

RFQ_FIELDS: tuple[str, ...] = (
    "title",
    "reference",
    "description",
    "opens_at",
    "closes_at",
    "days_per_week",
    "languages",
    "term_months",
    "quote_deadline",
    "automation_deflection_pct",
    "target_csat_pct",
    "target_frt_minutes",
    "target_aht_minutes",
    "target_fcr_pct",
    "target_cost_per_ticket",
    "ih_gross_salary_month",
    "ih_employer_costs_pct",
    "ih_overhead_per_fte_month",
    "ih_licences_per_fte_month",
    "ih_absence_pct",
    "ih_productive_hours_per_fte_month",
    "ih_one_time",
    "ih_fte",
    "own_management_per_month",
    "strategic",
)
CHANNEL_FIELDS: tuple[str, ...] = (
    "channel",
    "volume_per_month",
    "aht_minutes",
    "sla_response_minutes",
)
VENDOR_FIELDS: tuple[str, ...] = (
    "name",
    "region",
    "country",
    "contact_email",
    "website",
    "cert_iso27001",
    "cert_soc2",
    "other_certifications",
    "notes",
)
# The cost article asks for three quotes on the same scope; fewer than two is no comparison.
RECOMMENDED_QUOTES = 3
MINIMUM_INVITATIONS = 2


# --- helpers -------------------------------------------------------------------------------


def _require_procurement(by: User) -> None:
    if not (by.is_authenticated and by.is_procurement):
        raise PermissionDenied


def _save(instance, *, by: User, exclude: Iterable[str] = ()) -> None:
    """full_clean, then save with `by` as the history user (simple-history: who changed it)."""
    instance.full_clean(exclude=list(exclude) or None)
    instance._history_user = by
    instance.save()


def _display_datetime(value: datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _locked(model, pk: int):
    """Re-read a row under a lock so two concurrent transitions cannot both pass a guard."""
    return model.objects.select_for_update().get(pk=pk)


# --- vendors -------------------------------------------------------------------------------


def _assign(instance, data: Mapping[str, Any], allowed) -> None:
    """Copy the allowed fields only: a form or API payload never reaches other columns."""
    for name, value in data.items():
        if name in allowed:
            setattr(instance, name, value)


@transaction.atomic
def vendor_create(*, by: User, data: Mapping[str, Any]) -> Vendor:
    _require_procurement(by)
    vendor = Vendor(**{k: v for k, v in data.items() if k in VENDOR_FIELDS})
    _save(vendor, by=by)
    return vendor


@transaction.atomic
def vendor_update(*, vendor: Vendor, by: User, data: Mapping[str, Any]) -> Vendor:
    _require_procurement(by)
    _assign(vendor, data, VENDOR_FIELDS)
    _save(vendor, by=by)
    return vendor


@transaction.atomic
def vendor_find_or_create(*, name: str, contact_email: str) -> Vendor:
    """`manage.py adduser --vendor NAME`: the vendor of that name (any case), made if missing."""
    vendor = Vendor.objects.filter(name__iexact=name).first()
    if vendor is None:
        vendor = Vendor(name=name, contact_email=contact_email)
        vendor.full_clean()
        vendor.save()
    return vendor


@transaction.atomic
def vendor_user_create(
    *, vendor: Vendor, by: User, email: str, full_name: str = "", language: str = "en"
) -> User:
    """A sign-in for one of the vendor's people. Never converts an existing account: an
    e-mail address that already signs in (perhaps as procurement) is refused."""
    _require_procurement(by)
    email = (email or "").strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A user with this e-mail address already exists.")})
    user = User(
        email=email, full_name=full_name, role=Role.VENDOR, vendor=vendor, language=language
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user._history_user = by
    user.save()
    from .emails import send_vendor_user_welcome

    transaction.on_commit(lambda: send_vendor_user_welcome(user.pk))
    return user


# --- RFQs ----------------------------------------------------------------------------------


def _next_reference() -> str:
    year = timezone.localdate().year
    prefix = f"RFQ-{year}-"
    taken = Rfq.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    numbers = [int(ref[len(prefix) :]) for ref in taken if ref[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def _check_channels(channels: Sequence[Mapping[str, Any]]) -> None:
    if not channels:
        raise ValidationError(
            {"channels": _("Add at least one channel (e-mail, chat or phone) to the scope.")}
        )
    seen = set()
    for index, row in enumerate(channels):
        channel = row.get("channel")
        if channel not in Channel.values:
            raise ValidationError({f"channels.{index}.channel": _("Choose e-mail, chat or phone.")})
        if channel in seen:
            raise ValidationError(
                {f"channels.{index}.channel": _("Each channel may appear only once.")}
            )
        seen.add(channel)


def _save_channels(*, rfq: Rfq, channels: Sequence[Mapping[str, Any]]) -> None:
    existing = {c.channel: c for c in rfq.channels.all()}
    keep = set()
    for index, row in enumerate(channels):
        channel = existing.get(row["channel"]) or RfqChannel(rfq=rfq, channel=row["channel"])
        for name in CHANNEL_FIELDS[1:]:
            if name in row:
                setattr(channel, name, row[name])
        try:
            channel.full_clean(exclude=["rfq"], validate_unique=False)
        except ValidationError as exc:
            raise ValidationError(
                {f"channels.{index}.{field}": msgs for field, msgs in exc.message_dict.items()}
            ) from exc
        channel.save()
        keep.add(channel.channel)
    rfq.channels.exclude(channel__in=keep).delete()


def _check_deadline_in_future(rfq: Rfq) -> None:
    if rfq.quote_deadline and rfq.quote_deadline <= timezone.now():
        raise ValidationError({"quote_deadline": _("The quote deadline must lie in the future.")})


@transaction.atomic
def rfq_create(
    *,
    by: User,
    data: Mapping[str, Any],
    channels: Sequence[Mapping[str, Any]],
    open_now: bool = False,
) -> Rfq:
    """A new RFQ in draft (or opened at once). Without a reference one is numbered."""
    _require_procurement(by)
    rfq = Rfq(owner=by, **{k: v for k, v in data.items() if k in RFQ_FIELDS and v is not None})
    for name in ("target_aht_minutes", "target_cost_per_ticket", "ih_fte"):
        if name in data:
            setattr(rfq, name, data[name])
    if not rfq.reference:
        rfq.reference = _next_reference()
    _check_channels(channels)
    _check_deadline_in_future(rfq)
    _save(rfq, by=by)
    _save_channels(rfq=rfq, channels=channels)
    if open_now:
        rfq = rfq_open(rfq=rfq, by=by)
    return rfq


@transaction.atomic
def rfq_update(
    *,
    rfq: Rfq,
    by: User,
    data: Mapping[str, Any],
    channels: Sequence[Mapping[str, Any]] | None = None,
) -> Rfq:
    """Scope and baseline may change while the RFQ is a draft or open; after closing the
    quotes were made on a fixed scope, so it is frozen."""
    _require_procurement(by)
    rfq = _locked(Rfq, rfq.pk)
    if not rfq.is_editable:
        raise ValidationError(
            {
                "status": _("This RFQ is %(status)s; it can no longer be changed.")
                % {"status": rfq.get_status_display().lower()}
            }
        )
    old_deadline = rfq.quote_deadline
    for name, value in data.items():
        if name == "reference" and not value:
            continue  # an empty reference keeps the one it has
        if name in RFQ_FIELDS:
            setattr(rfq, name, value)
    if rfq.quote_deadline != old_deadline:
        _check_deadline_in_future(rfq)
    if channels is not None:
        _check_channels(channels)
    _save(rfq, by=by)
    if channels is not None:
        _save_channels(rfq=rfq, channels=channels)
    return rfq


@transaction.atomic
def rfq_open(*, rfq: Rfq, by: User) -> Rfq:
    """draft → open. Vendors invited while it was a draft are e-mailed now."""
    _require_procurement(by)
    rfq = _locked(Rfq, rfq.pk)
    if rfq.status != RfqStatus.DRAFT:
        raise ValidationError(
            {
                "status": _("Only a draft RFQ can be opened; this one is %(status)s.")
                % {"status": rfq.get_status_display().lower()}
            }
        )
    if not rfq.channels.exists():
        raise ValidationError({"channels": _("Add at least one channel before opening.")})
    _check_deadline_in_future(rfq)
    rfq.status = RfqStatus.OPEN
    _save(rfq, by=by)
    for invitation_id in rfq.invitations.filter(
        notified_at__isnull=True, status=InvitationStatus.INVITED
    ).values_list("pk", flat=True):
        _notify_on_commit(invitation_id)
    return rfq


@transaction.atomic
def rfq_close(*, rfq: Rfq, by: User) -> Rfq:
    """open → closed: no more quotes from vendors, no more invitations."""
    _require_procurement(by)
    rfq = _locked(Rfq, rfq.pk)
    if rfq.status != RfqStatus.OPEN:
        raise ValidationError(
            {
                "status": _("Only an open RFQ can be closed; this one is %(status)s.")
                % {"status": rfq.get_status_display().lower()}
            }
        )
    rfq.status = RfqStatus.CLOSED
    _save(rfq, by=by)
    return rfq


@transaction.atomic
def rfq_award(*, rfq: Rfq, quote: Quote, by: User) -> Rfq:
    """closed → awarded, to one submitted quote of this RFQ."""
    _require_procurement(by)
    rfq = _locked(Rfq, rfq.pk)
    if rfq.status != RfqStatus.CLOSED:
        raise ValidationError(
            {
                "status": _("Close the RFQ before awarding it; it is %(status)s.")
                % {"status": rfq.get_status_display().lower()}
            }
        )
    if quote.rfq_id != rfq.pk:
        raise ValidationError({"quote": _("This quote does not answer this RFQ.")})
    quote = _locked(Quote, quote.pk)
    if quote.status != QuoteStatus.SUBMITTED:
        raise ValidationError({"quote": _("Only a submitted quote can be awarded.")})
    rfq.status = RfqStatus.AWARDED
    rfq.awarded_quote = quote
    _save(rfq, by=by)
    return rfq


@transaction.atomic
def rfq_cancel(*, rfq: Rfq, by: User, reason: str = "") -> Rfq:
    """Any state but awarded → cancelled. Once vendors were asked, say why."""
    _require_procurement(by)
    rfq = _locked(Rfq, rfq.pk)
    if not rfq.is_cancellable:
        raise ValidationError(
            {
                "status": _("This RFQ is %(status)s; it can no longer be cancelled.")
                % {"status": rfq.get_status_display().lower()}
            }
        )
    reason = (reason or "").strip()
    if rfq.status != RfqStatus.DRAFT and not reason:
        raise ValidationError({"cancel_reason": _("Give the reason for cancelling.")})
    rfq.status = RfqStatus.CANCELLED
    rfq.cancel_reason = reason
    _save(rfq, by=by)
    return rfq


# --- invitations ---------------------------------------------------------------------------


def _notify_on_commit(invitation_id: int) -> None:
    from .emails import send_invitation_emails

    transaction.on_commit(lambda: send_invitation_emails(invitation_id))


@transaction.atomic
def invitation_create(*, rfq: Rfq, vendor: Vendor, by: User) -> Invitation:
    """Invite a vendor to quote. Its users are e-mailed once the RFQ is open (now, if it is).
    A vendor that declined may be invited again."""
    _require_procurement(by)
    rfq = _locked(Rfq, rfq.pk)
    if not rfq.is_editable:
        raise ValidationError(
            {
                "status": _("This RFQ is %(status)s: no more vendors can be invited.")
                % {"status": rfq.get_status_display().lower()}
            }
        )
    if rfq.status == RfqStatus.OPEN and rfq.quote_deadline <= timezone.now():
        raise ValidationError(
            {
                "quote_deadline": _(
                    "The quote deadline has passed: extend it before inviting more vendors."
                )
            }
        )
    invitation = Invitation.objects.filter(rfq=rfq, vendor=vendor).first()
    if invitation is not None and invitation.status != InvitationStatus.DECLINED:
        raise ValidationError({"vendor": _("%(vendor)s is already invited.") % {"vendor": vendor}})
    if invitation is None:
        invitation = Invitation(rfq=rfq, vendor=vendor, invited_by=by)
    else:
        invitation.invited_by = by
        invitation.declined_at = None
        invitation.decline_reason = ""
        invitation.notified_at = None
    invitation.status = InvitationStatus.INVITED
    _save(invitation, by=by)
    if rfq.status == RfqStatus.OPEN:
        _notify_on_commit(invitation.pk)
    return invitation


@transaction.atomic
def invitations_create(*, rfq: Rfq, vendors: Iterable[Vendor], by: User) -> list[Invitation]:
    """Invite several vendors at once: all or none."""
    return [invitation_create(rfq=rfq, vendor=v, by=by) for v in vendors]


def invitation_warnings(rfq: Rfq) -> list[str]:
    """Not a block: the round can go on, but procurement should know (cost article: three
    quotes on the same scope)."""
    active = rfq.invitations.exclude(status=InvitationStatus.DECLINED).count()
    if active >= MINIMUM_INVITATIONS:
        return []
    if active == 0:
        return [_("No vendor is invited yet. Invite at least two, preferably three.")]
    return [
        _(
            "Only one vendor is invited. Invite at least two, preferably three, so the "
            "quotes can be compared on the same scope."
        )
    ]


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User) -> Invitation:
    """E-mail the vendor's users again (a new user, a lost message)."""
    _require_procurement(by)
    invitation = _locked(Invitation, invitation.pk)
    if invitation.rfq.status != RfqStatus.OPEN:
        raise ValidationError({"status": _("Only invitations to an open RFQ can be e-mailed.")})
    if invitation.status == InvitationStatus.DECLINED:
        raise ValidationError({"status": _("The vendor declined; invite it again instead.")})
    Invitation.objects.filter(pk=invitation.pk).update(notified_at=None)
    _notify_on_commit(invitation.pk)
    return invitation


def invitation_mark_viewed(*, invitation: Invitation, by: User) -> Invitation:
    """The vendor opened the RFQ: invited → viewed. Only the vendor's own users count."""
    if not (by.is_vendor and by.vendor_id == invitation.vendor_id):
        return invitation
    if invitation.status != InvitationStatus.INVITED:
        return invitation
    with transaction.atomic():
        invitation = _locked(Invitation, invitation.pk)
        if invitation.status == InvitationStatus.INVITED:
            invitation.status = InvitationStatus.VIEWED
            invitation.viewed_at = timezone.now()
            _save(invitation, by=by)
    return invitation


@transaction.atomic
def invitation_decline(*, invitation: Invitation, by: User, reason: str) -> Invitation:
    """The vendor will not quote, with its reason (procurement may record a decline it
    received by phone or e-mail)."""
    if by.is_vendor:
        if by.vendor_id != invitation.vendor_id:
            raise PermissionDenied
    else:
        _require_procurement(by)
    invitation = _locked(Invitation, invitation.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"decline_reason": _("Tell us why you decline.")})
    if invitation.status == InvitationStatus.DECLINED:
        raise ValidationError({"status": _("This invitation is already declined.")})
    if invitation.rfq.status != RfqStatus.OPEN:
        raise ValidationError({"status": _("Only an invitation to an open RFQ can be declined.")})
    if Quote.objects.filter(
        rfq_id=invitation.rfq_id, vendor_id=invitation.vendor_id, status=QuoteStatus.SUBMITTED
    ).exists():
        raise ValidationError(
            {"status": _("A quote was already submitted; it cannot be declined any more.")}
        )
    invitation.status = InvitationStatus.DECLINED
    invitation.declined_at = timezone.now()
    invitation.decline_reason = reason
    _save(invitation, by=by)
    return invitation


# --- quotes --------------------------------------------------------------------------------


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
                    % {"deadline": _display_datetime(rfq.quote_deadline)}
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
        if value is None and not field.null:
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
    (DOMAIN.md §2). Everything else may stay open; it shows as a gap."""
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
    _save(quote, by=by)
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
    """Submit the quote (revision 1). Procurement entering it for a vendor is recorded."""
    _check_write(rfq=rfq, vendor=vendor, by=by)
    quote = _quote_for_write(rfq=rfq, vendor=vendor)
    if quote.status == QuoteStatus.SUBMITTED:
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
    _save(quote, by=by)
    invitation = Invitation.objects.get(rfq=rfq, vendor=vendor)
    invitation_mark_viewed(invitation=invitation, by=by)
    return quote


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
    _save(quote, by=by)
    return quote


def quote_submit_or_update(
    *,
    rfq: Rfq,
    vendor: Vendor,
    by: User,
    data: Mapping[str, Any],
    offer_document: UploadedFile | None = None,
) -> tuple[Quote, bool]:
    """API.md: a POST submits the quote; a second POST revises it. Returns (quote, created)."""
    existing = Quote.objects.filter(rfq=rfq, vendor=vendor).first()
    if existing is not None and existing.status == QuoteStatus.SUBMITTED:
        return quote_update(quote=existing, by=by, data=data, offer_document=offer_document), False
    quote = quote_submit(rfq=rfq, vendor=vendor, by=by, data=data, offer_document=offer_document)
    return quote, True


# --- risk register -------------------------------------------------------------------------

RISK_FIELDS = ("name", "probability_pct", "impact")


@transaction.atomic
def risk_item_create(*, quote: Quote, by: User, data: Mapping[str, Any]) -> RiskItem:
    """DOMAIN.md §4: the buyer's own register; vendors never see it."""
    _require_procurement(by)
    risk = RiskItem(quote=quote, **{k: v for k, v in data.items() if k in RISK_FIELDS})
    _save(risk, by=by)
    return risk


@transaction.atomic
def risk_item_update(*, risk: RiskItem, by: User, data: Mapping[str, Any]) -> RiskItem:
    _require_procurement(by)
    _assign(risk, data, RISK_FIELDS)
    _save(risk, by=by)
    return risk


@transaction.atomic
def risk_item_delete(*, risk: RiskItem, by: User) -> None:
    _require_procurement(by)
    risk._history_user = by
    risk.delete()


__all__ = [
    "MINIMUM_INVITATIONS",
    "RECOMMENDED_QUOTES",
    "invitation_create",
    "invitation_decline",
    "invitation_mark_viewed",
    "invitation_resend",
    "invitation_warnings",
    "invitations_create",
    "quote_deadline_passed",
    "quote_save_draft",
    "quote_submit",
    "quote_submit_or_update",
    "quote_update",
    "quote_write_error",
    "rfq_award",
    "rfq_cancel",
    "rfq_close",
    "rfq_create",
    "rfq_open",
    "rfq_update",
    "risk_item_create",
    "risk_item_delete",
    "risk_item_update",
    "vendor_create",
    "vendor_update",
    "vendor_user_create",
]
