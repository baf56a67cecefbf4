"""RFQs: draft → open → closed → awarded | cancelled."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import (
    Channel,
    InvitationStatus,
    Rfq,
    RfqChannel,
    RfqStatus,
)
from ..scope import (
    LIVE_FIELDS,
    check_live_channel,
    is_live,
    live_defaults,
    parse_hourly_weights,
)
from ..validators import validate_quote_deadline_in_future
from .base import locked, require_procurement, save_with_history, update_with_history
from .invitations import notify_on_commit

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
    "transition_months",
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
    "ih_hours_per_week",
    "ih_shrinkage_pct",
    "ih_live_staffing",
    "own_management_per_month",
    "strategic",
)
CHANNEL_FIELDS: tuple[str, ...] = (
    "channel",
    "volume_per_month",
    "aht_minutes",
    "sla_response_minutes",
    "concurrency",
    "service_level_pct",
    "answer_seconds",
    "hourly_weights",
)


def _next_reference() -> str:
    year = timezone.localdate().year
    prefix = f"RFQ-{year}-"
    taken = Rfq.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    numbers = [int(ref[len(prefix) :]) for ref in taken if ref[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def check_channels(channels: Sequence[Mapping[str, Any]]) -> None:
    """At least one channel in scope. The RFQ form runs it beside its other checks too."""
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


def _live_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A live channel's settings with docs/domain.md §1's defaults for those left out; e-mail is
    a backlog and keeps none."""
    row = dict(row)
    if not is_live(row["channel"]):
        return row | dict.fromkeys(LIVE_FIELDS) | {"hourly_weights": []}
    for name, default in live_defaults(row["channel"]).items():
        if row.get(name) is None:
            row[name] = default
    row["hourly_weights"] = [str(w) for w in row.get("hourly_weights") or ()]
    return row


def _normalise_rows(channels: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Hourly weights as typed or pasted → positive Decimals (errors name the row)."""
    rows = []
    for index, row in enumerate(channels):
        row = dict(row)
        try:
            row["hourly_weights"] = parse_hourly_weights(row.get("hourly_weights"))
        except ValidationError as exc:
            raise ValidationError({f"channels.{index}.hourly_weights": exc.messages}) from exc
        if not is_live(row.get("channel", "")):
            for name in (*LIVE_FIELDS, "hourly_weights"):
                if row.get(name):
                    raise ValidationError(
                        {f"channels.{index}.{name}": _("Only for a live channel: chat or phone.")}
                    )
        rows.append(row)
    return rows


def _check_live_scope(*, rfq: Rfq, channels: Sequence[Mapping[str, Any]]) -> None:
    """docs/domain.md §1: a desk with a live channel opens and closes on the hour, and each live
    channel's hourly weights give one weight per open hour."""
    for index, row in enumerate(channels):
        if not is_live(row["channel"]):
            continue
        try:
            check_live_channel(
                row=_live_row(row),
                open_hours_per_day=rfq.open_hours_per_day,
                days=rfq.days_per_week,
            )
        except ValidationError as exc:
            raise ValidationError(
                {
                    field
                    if field in ("opens_at", "days_per_week")
                    else f"channels.{index}.{field}": messages
                    for field, messages in exc.message_dict.items()
                }
            ) from exc


def _check_transition(rfq: Rfq) -> None:
    if rfq.transition_months > rfq.term_months:
        raise ValidationError(
            {
                "transition_months": _("At most the term: %(months)s months.")
                % {"months": rfq.term_months}
            }
        )


def _stored_rows(rfq: Rfq) -> list[dict[str, Any]]:
    return [{name: getattr(c, name) for name in CHANNEL_FIELDS} for c in rfq.channels.all()]


def _save_channels(*, rfq: Rfq, channels: Sequence[Mapping[str, Any]]) -> None:
    existing = {c.channel: c for c in rfq.channels.all()}
    keep = set()
    for index, row in enumerate(channels):
        channel = existing.get(row["channel"]) or RfqChannel(rfq=rfq, channel=row["channel"])
        row = _live_row(row)
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


def _check_deadline_in_future(deadline: datetime | None) -> None:
    # One rule with the RFQ form's (procurement.validators), named by its field here.
    try:
        validate_quote_deadline_in_future(deadline)
    except ValidationError as exc:
        raise ValidationError({"quote_deadline": exc.messages}) from exc


@transaction.atomic
def rfq_create(
    *,
    by: User,
    data: Mapping[str, Any],
    channels: Sequence[Mapping[str, Any]],
    open_now: bool = False,
) -> Rfq:
    """A new RFQ in draft (or opened at once). Without a reference one is numbered."""
    require_procurement(by)
    rfq = Rfq(owner=by, **{k: v for k, v in data.items() if k in RFQ_FIELDS and v is not None})
    for name in ("target_aht_minutes", "target_cost_per_ticket", "ih_fte"):
        if name in data:
            setattr(rfq, name, data[name])
    if not rfq.reference:
        rfq.reference = _next_reference()
    check_channels(channels)
    channels = _normalise_rows(channels)
    _check_deadline_in_future(rfq.quote_deadline)
    _check_transition(rfq)
    _check_live_scope(rfq=rfq, channels=channels)
    save_with_history(rfq, by=by)
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
    require_procurement(by)
    rfq = locked(Rfq, rfq.pk)
    if not rfq.is_editable:
        raise ValidationError(
            {
                "status": _("This RFQ is %(status)s; it can no longer be changed.")
                % {"status": rfq.get_status_display().lower()}
            }
        )
    if not data.get("reference", True):
        data = {k: v for k, v in data.items() if k != "reference"}  # empty keeps the one it has
    if "quote_deadline" in data and data["quote_deadline"] != rfq.quote_deadline:
        _check_deadline_in_future(data["quote_deadline"])
    if channels is not None:
        check_channels(channels)
        channels = _normalise_rows(channels)
    _check_transition(
        Rfq(
            term_months=data.get("term_months") or rfq.term_months,
            transition_months=data.get("transition_months") or 0,
        )
        if "transition_months" in data
        else Rfq(
            term_months=data.get("term_months") or rfq.term_months,
            transition_months=rfq.transition_months,
        )
    )
    update_with_history(rfq, by=by, fields=RFQ_FIELDS, data=data)
    # The opening hours or the channels may have changed: the live scope is checked again.
    _check_live_scope(rfq=rfq, channels=_stored_rows(rfq) if channels is None else channels)
    if channels is not None:
        _save_channels(rfq=rfq, channels=channels)
    return rfq


@transaction.atomic
def rfq_open(*, rfq: Rfq, by: User) -> Rfq:
    """draft → open. Vendors invited while it was a draft are e-mailed now."""
    require_procurement(by)
    rfq = locked(Rfq, rfq.pk)
    if rfq.status != RfqStatus.DRAFT:
        raise ValidationError(
            {
                "status": _("Only a draft RFQ can be opened; this one is %(status)s.")
                % {"status": rfq.get_status_display().lower()}
            }
        )
    if not rfq.channels.exists():
        raise ValidationError({"channels": _("Add at least one channel before opening.")})
    _check_deadline_in_future(rfq.quote_deadline)
    rfq.status = RfqStatus.OPEN
    save_with_history(rfq, by=by)
    for invitation_id in rfq.invitations.filter(
        notified_at__isnull=True, status=InvitationStatus.INVITED
    ).values_list("pk", flat=True):
        notify_on_commit(invitation_id)
    return rfq


@transaction.atomic
def rfq_close(*, rfq: Rfq, by: User) -> Rfq:
    """open → closed: no more quotes from vendors, no more invitations."""
    require_procurement(by)
    rfq = locked(Rfq, rfq.pk)
    if rfq.status != RfqStatus.OPEN:
        raise ValidationError(
            {
                "status": _("Only an open RFQ can be closed; this one is %(status)s.")
                % {"status": rfq.get_status_display().lower()}
            }
        )
    rfq.status = RfqStatus.CLOSED
    save_with_history(rfq, by=by)
    return rfq


@transaction.atomic
def rfq_cancel(*, rfq: Rfq, by: User, reason: str = "") -> Rfq:
    """Any state but awarded → cancelled. Once vendors were asked, say why."""
    require_procurement(by)
    rfq = locked(Rfq, rfq.pk)
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
    save_with_history(rfq, by=by)
    return rfq
