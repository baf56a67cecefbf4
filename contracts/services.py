"""Writes for contracts and their review log (docs/style.md: services write, selectors read)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.dates import date_range_error
from common.db import retry_on_conflict
from costing.engine import EngineInputError
from kpis.days import ImportResult, app_today, kpi_day_upsert, kpi_days_import
from kpis.models import TARGET_FIELDS
from kpis.rules import KPI_KEYS
from kpis.targets import (
    DEFAULT_TARGETS,
    defaults_from_quote,
    quote_channel_charge,
    tracked_kpis_clean,
)
from pilots.models import Decision, Pilot
from procurement.models import Quote, QuoteStatus

from .models import (
    Contract,
    ContractKpiEntry,
    ContractStatus,
    Review,
    ReviewAction,
    ReviewKind,
)
from .tasks import enqueue_alert_refresh
from .validators import (
    ACTION_TEXT_MAX,
    ATTENDEES_MAX,
    NOTES_MAX,
    OWNER_MAX,
    meeting_date_error,
    months_error,
    percentage_error,
    text_error,
)

MAX_ACTIONS_PER_REVIEW = 50


# --- Prefill -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractDefaults:
    """What a new contract starts from (docs/domain.md §6: the pilot's targets, the quote's
    monthly charge for the channel); procurement sees every value in the form and may change
    it."""

    vendor_id: int | None = None
    channel: str | None = None
    quote_id: int | None = None
    pilot_id: int | None = None
    targets: dict[str, Decimal] = field(default_factory=dict)
    monthly_charge: Decimal | None = None
    must_meet: list[str] = field(default_factory=list)


def quote_monthly_charge(quote: Quote, *, channel: str | None) -> Decimal | None:
    """docs/domain.md §6: the quote's monthly vendor charge for the channel, as the pilot's cost
    target counts it (§5: the channel's variable charge plus its handled share of the
    vendor's fixed monthly charges, without the buyer's own management), to cents; None when
    the quote lacks what its pricing model needs."""
    try:
        return quote_channel_charge(quote, channel=channel).monthly.quantize(Decimal("0.01"))
    except EngineInputError:
        return None


def contract_defaults_from_pilot(pilot: Pilot) -> ContractDefaults:
    quote = pilot.quote
    return ContractDefaults(
        vendor_id=pilot.vendor_id,
        channel=pilot.channel,
        quote_id=pilot.quote_id,
        pilot_id=pilot.pk,
        targets=pilot.targets,  # the five and the tracked extras
        monthly_charge=(
            quote_monthly_charge(quote, channel=pilot.channel) if quote is not None else None
        ),
        must_meet=list(pilot.must_meet),
    )


def contract_defaults_from_quote(quote: Quote, *, channel: str | None = None) -> ContractDefaults:
    defaults = defaults_from_quote(quote, channel=channel)
    return ContractDefaults(
        vendor_id=quote.vendor_id,
        channel=defaults.channel,
        quote_id=quote.pk,
        targets={**DEFAULT_TARGETS, **defaults.targets},
        monthly_charge=quote_monthly_charge(quote, channel=defaults.channel),
    )


# --- Create ------------------------------------------------------------------------------------


def contract_create(
    *,
    by,
    start_date: dt.date,
    months: int,
    targets: Mapping[str, Decimal | None],
    credit_pct_per_missed_kpi: Decimal = Decimal(0),
    credit_cap_pct: Decimal = Decimal(0),
    pilot: Pilot | None = None,
    vendor=None,
    channel: str | None = None,
    quote: Quote | None = None,
    monthly_charge: Decimal | None = None,
    extra_targets: Mapping[str, object] | None = None,
    must_meet: Iterable[str] | None = None,
) -> Contract:
    """Create a running contract (procurement), from a pilot decided "scale up" or for a
    vendor and channel (optionally its quote). `monthly_charge` left out takes the quote's
    monthly charge for the channel (docs/domain.md §6); without a quote it is required. Raises
    ValidationError({field: message}) and saves nothing when a rule fails."""
    errors: dict[str, str] = {}
    if pilot is not None:
        if pilot.decision != Decision.SCALE_UP:
            errors["pilot"] = _("Only a pilot decided “scale up” leads to a contract.")
        elif Contract.objects.filter(pilot=pilot).exists():
            errors["pilot"] = _("This pilot already has a contract.")
        vendor = pilot.vendor
        channel = pilot.channel
        quote = quote or pilot.quote
    if vendor is None:
        errors.setdefault("vendor", _("Choose the vendor."))
    if quote is not None and vendor is not None:
        if quote.vendor_id != vendor.pk:
            errors["quote"] = _("This quote is from another vendor than the contract's.")
        elif quote.status != QuoteStatus.SUBMITTED:
            errors["quote"] = _("Only a submitted quote can lead to a contract.")
    if months is not None and (message := months_error(months)):
        errors["months"] = message
    for name, value in (
        ("credit_pct_per_missed_kpi", credit_pct_per_missed_kpi),
        ("credit_cap_pct", credit_cap_pct),
    ):
        if value is not None and (message := percentage_error(value)):
            errors[name] = message
    for key, name in TARGET_FIELDS.items():
        if targets.get(key) is None:
            errors[name] = _("Enter a target.")
    if monthly_charge is None and "quote" not in errors:
        if quote is not None and channel:
            monthly_charge = quote_monthly_charge(quote, channel=channel)
            if monthly_charge is None:
                errors["monthly_charge"] = _(
                    "Enter the monthly charge: the quote lacks the prices to work it out."
                )
        else:
            errors["monthly_charge"] = _("Enter what the vendor bills a month.")
    elif monthly_charge is not None and Decimal(monthly_charge) < 0:
        errors["monthly_charge"] = _("Enter an amount of 0 or more.")
    contract = Contract(
        vendor=vendor,
        channel=channel or "",
        pilot=pilot,
        quote=quote,
        start_date=start_date,
        months=months,
        monthly_charge=monthly_charge if monthly_charge is not None else Decimal(0),
        credit_pct_per_missed_kpi=Decimal(credit_pct_per_missed_kpi or 0),
        credit_cap_pct=Decimal(credit_cap_pct or 0),
        status=ContractStatus.RUNNING,
        created_by=by,
        **{
            name: None if targets.get(key) is None else Decimal(targets[key])
            for key, name in TARGET_FIELDS.items()
        },
    )
    # docs/domain.md §6: the tracked extra KPIs and must-meets default to the pilot's.
    if pilot is not None:
        extra_targets = pilot.extra_targets if extra_targets is None else extra_targets
        must_meet = pilot.must_meet if must_meet is None else must_meet
    try:
        contract.extra_targets, contract.must_meet = tracked_kpis_clean(
            extra_targets=extra_targets, must_meet=must_meet
        )
    except ValidationError as exc:
        errors.update({name: messages[0] for name, messages in exc.message_dict.items()})
    try:
        contract.full_clean(validate_constraints=False, validate_unique=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, messages[0])
    if errors:
        raise ValidationError(errors)
    contract._history_user = by
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError as exc:  # a second request for the same pilot raced past the check
        if pilot is not None and Contract.objects.filter(pilot=pilot).exists():
            raise ValidationError({"pilot": _("This pilot already has a contract.")}) from exc
        raise
    return contract


def contract_targets_kwargs(targets: Mapping[str, Decimal]) -> dict[str, Decimal]:
    return {TARGET_FIELDS[key]: targets[key] for key in KPI_KEYS if key in targets}


def contract_set_status(*, contract: Contract, status: str, by) -> Contract:
    """Procurement ends or terminates a contract (or resumes it); history says who."""
    if status not in ContractStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if contract.status != status:
            contract.status = status
            contract._history_user = by
            contract.save(update_fields=["status"])
    return contract


# --- The review log ------------------------------------------------------------------------------


def review_create(
    *,
    contract: Contract,
    date: dt.date | None,
    kind: str,
    attendees: str,
    notes: str = "",
    actions: Iterable[Mapping[str, object]] = (),
    by,
) -> Review:
    """A coaching session or monthly review with its actions, all or nothing. Errors name the
    field; an action's field is `actions.<n>.<field>` (n from 0)."""
    errors: dict[str, str] = {}
    if date is None:
        errors["date"] = _("Enter the date of the meeting.")
    else:
        message = date_range_error(date) or meeting_date_error(
            start=contract.start_date, end=contract.end_date, day=date
        )
        if message:
            errors["date"] = message
    for name, value, limit, lines in (
        ("attendees", attendees, ATTENDEES_MAX, False),
        ("notes", notes, NOTES_MAX, True),
    ):
        message = text_error(value or "", max_length=limit, lines=lines)
        if message:
            errors[name] = message
    if kind not in ReviewKind.values:
        errors["kind"] = _("Choose coaching or monthly review.")
    if not (attendees or "").strip():
        errors["attendees"] = _("Name who attended.")
    actions = list(actions)
    if len(actions) > MAX_ACTIONS_PER_REVIEW:
        errors["actions"] = _("At most %(max)s actions per meeting.") % {
            "max": MAX_ACTIONS_PER_REVIEW
        }
    rows: list[ReviewAction] = []
    for index, action in enumerate(actions):
        text = str(action.get("text") or "").strip()
        owner = str(action.get("owner") or "").strip()
        due = action.get("due_date")
        if not text:
            errors[f"actions.{index}.text"] = _("Describe the action.")
        elif message := text_error(text, max_length=ACTION_TEXT_MAX):
            errors[f"actions.{index}.text"] = message
        if not owner:
            errors[f"actions.{index}.owner"] = _("Name who owns the action.")
        elif message := text_error(owner, max_length=OWNER_MAX):
            errors[f"actions.{index}.owner"] = message
        if not isinstance(due, dt.date):
            errors[f"actions.{index}.due_date"] = _("Enter a due date.")
        elif message := date_range_error(due):
            errors[f"actions.{index}.due_date"] = message
        rows.append(ReviewAction(text=text, owner=owner, due_date=due))
    review = Review(
        contract=contract,
        date=date,
        kind=kind,
        attendees=(attendees or "").strip(),
        notes=(notes or "").strip(),
        created_by=by,
    )
    if not errors:
        try:
            review.full_clean(validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, messages[0])
        for index, row in enumerate(rows):
            try:
                row.full_clean(exclude=["review"], validate_constraints=False)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    errors.setdefault(f"actions.{index}.{name}", messages[0])
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review._history_user = by
        review.save()
        for row in rows:
            row.review = review
            row._history_user = by
            row.save()
    return review


def review_action_set_done(*, action: ReviewAction, done: bool, by) -> ReviewAction:
    """Tick an action off (or reopen it). An overdue action's alert closes at the next
    refresh, which this triggers after the commit."""
    with transaction.atomic():
        action = ReviewAction.objects.select_for_update().get(pk=action.pk)
        if action.done != done:
            action.done = done
            action.done_at = timezone.now() if done else None
            action._history_user = by
            action.save(update_fields=["done", "done_at"])
    return action


# --- Daily KPIs (docs/domain.md §6: exactly as in a pilot) ------------------------------------------


@retry_on_conflict
def contract_kpi_day_upsert(
    *,
    contract: Contract,
    day: dt.date,
    values: Mapping[str, object],
    by,
    source: str = "form",
    today: dt.date | None = None,
) -> tuple[ContractKpiEntry, bool]:
    """Save one day's KPIs of the contract through the pilots' one write path
    (`kpis.days.kpi_day_upsert`); returns (entry, created). The contract's alerts are
    refreshed after the commit, off the request."""
    with transaction.atomic():
        entry, created = kpi_day_upsert(
            owner=contract,
            entry_model=ContractKpiEntry,
            owner_field="contract",
            day=day,
            values=values,
            by=by,
            source=source,
            today=app_today() if today is None else today,
        )
        # After the commit, off the request (docs/domain.md §5): a broker outage is logged and
        # the daily job catches up; the entry is saved either way.
        enqueue_alert_refresh(contract.pk)
    return entry, created


@retry_on_conflict
def contract_kpi_days_import(
    *,
    contract: Contract,
    rows: Iterable[tuple[dt.date, Mapping[str, object]]],
    by,
    source: str = "CSV",
    today: dt.date | None = None,
) -> ImportResult:
    """All rows or none (`kpis.days.kpi_days_import`); re-run on a deadlock."""
    rows = list(rows)  # a re-run reads them again
    with transaction.atomic():
        result = kpi_days_import(
            owner=contract,
            entry_model=ContractKpiEntry,
            owner_field="contract",
            rows=rows,
            by=by,
            source=source,
            today=app_today() if today is None else today,
        )
        # After the commit, off the request (docs/domain.md §5): a broker outage is logged and
        # the daily job catches up; the entry is saved either way.
        enqueue_alert_refresh(contract.pk)
    return result
