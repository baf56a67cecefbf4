"""Writes for pilots and their daily KPI entries (STYLE.md: services write, selectors read).

Every rule a day's KPIs must pass lives in `kpi_entry_errors`, used by the form, the CSV
import and the API alike, so each channel refuses the same things with the same words.
Entry never enqueues a Celery task: the daily sweep evaluates, and an entry must save even
while the broker is down.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from common.formats import format_eur
from procurement.models import QuoteStatus

from .kpis import AHT, COST, CSAT, FCR, FRT
from .models import KpiEntry, Pilot, PilotStatus
from .selectors import app_today, pilot_end_date, pilot_status

# Sane caps (documented in the form's help and the CSV template page). A value above them is
# a typo or a unit mix-up (seconds for minutes, cents for euros), never a real day:
MAX_TICKETS_PER_DAY = 100_000  # also caps CSAT responses
MAX_FRT_MINUTES = Decimal(10_080)  # a week: an average first response slower than that is a typo
MAX_AHT_MINUTES = Decimal(1_440)  # a day: no contact takes longer on average
MAX_COST_PER_TICKET = Decimal(1_000)  # € per ticket; a day without tickets may cost up to €1,000
MAX_NOTE_LENGTH = 2_000

COUNT_FIELDS = ("tickets", "csat_responses", "csat_positive", "fcr_resolved", "qa_sampled")
DECIMAL_FIELDS = ("frt_minutes", "aht_minutes", "cost")
REQUIRED_FIELDS = (
    "tickets",
    "csat_responses",
    "csat_positive",
    "frt_minutes",
    "aht_minutes",
    "fcr_resolved",
    "cost",
)
VALUE_FIELDS = (*REQUIRED_FIELDS, "qa_sampled", "note")

# Model field of each target (the API names them by KPI key).
TARGET_FIELDS = {
    CSAT: "target_csat_pct",
    FRT: "target_frt_minutes",
    AHT: "target_aht_minutes",
    FCR: "target_fcr_pct",
    COST: "target_cost_per_ticket",
}


def _n(value: Decimal | int) -> str:
    """A cap in the active language's number format (10,080 in English, 10.080 in Dutch)."""
    return number_format(value, use_l10n=True, force_grouping=True)


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def kpi_entry_errors(
    *, pilot: Pilot, day: date | None, values: Mapping[str, object], today: date
) -> dict[str, str]:
    """Every rule a day's KPIs must pass, as {field: message}; empty when the day is fine.

    `day` is the field "day" (the API and CSV call it "date"). `today` is in the app's time zone.
    """
    errors: dict[str, str] = {}
    if day is None:
        errors["day"] = _("Enter the date of the day.")
    elif day < pilot.start_date or day > pilot_end_date(pilot):
        errors["day"] = _("%(day)s is outside the pilot, which runs from %(start)s to %(end)s.") % {
            "day": date_format(day, "DATE_FORMAT"),
            "start": date_format(pilot.start_date, "DATE_FORMAT"),
            "end": date_format(pilot_end_date(pilot), "DATE_FORMAT"),
        }
    elif day > today:
        errors["day"] = _("%(day)s lies in the future: enter a day once it has begun.") % {
            "day": date_format(day, "DATE_FORMAT")
        }

    numbers: dict[str, Decimal] = {}
    for name in (*COUNT_FIELDS, *DECIMAL_FIELDS):
        raw = values.get(name)
        if raw is None or raw == "":
            if name in REQUIRED_FIELDS:
                errors[name] = _("This field is required.")
            continue
        number = _number(raw)
        if number is None:
            errors[name] = _("Enter a number.")
        elif number < 0:
            errors[name] = _("Must not be negative.")
        elif name in COUNT_FIELDS and number != number.to_integral_value():
            errors[name] = _("Enter a whole number.")
        elif name in DECIMAL_FIELDS and number.normalize().as_tuple().exponent < -2:
            errors[name] = _("Use at most 2 decimal places.")
        else:
            numbers[name] = number

    def cap(name: str, limit: Decimal | int, message: str) -> None:
        if name in numbers and numbers[name] > limit:
            errors[name] = message

    cap(
        "tickets",
        MAX_TICKETS_PER_DAY,
        _("More than %(max)s tickets in one day is not plausible: check the number.")
        % {"max": _n(MAX_TICKETS_PER_DAY)},
    )
    cap(
        "csat_responses",
        MAX_TICKETS_PER_DAY,
        _("More than %(max)s CSAT responses in one day is not plausible: check the number.")
        % {"max": _n(MAX_TICKETS_PER_DAY)},
    )
    cap(
        "frt_minutes",
        MAX_FRT_MINUTES,
        _("An average first response time above %(max)s minutes (a week) is not plausible.")
        % {"max": _n(MAX_FRT_MINUTES)},
    )
    cap(
        "aht_minutes",
        MAX_AHT_MINUTES,
        _("An average handle time above %(max)s minutes (a day) is not plausible.")
        % {"max": _n(MAX_AHT_MINUTES)},
    )
    if (
        "csat_positive" in numbers
        and "csat_responses" in numbers
        and numbers["csat_positive"] > numbers["csat_responses"]
    ):
        errors["csat_positive"] = _("Cannot exceed the number of CSAT responses.")
    if "tickets" in numbers and "tickets" not in errors:
        tickets = numbers["tickets"]
        if "fcr_resolved" in numbers and numbers["fcr_resolved"] > tickets:
            errors["fcr_resolved"] = _("Cannot exceed the number of tickets.")
        if "qa_sampled" in numbers and numbers["qa_sampled"] > tickets:
            errors["qa_sampled"] = _("Cannot exceed the number of tickets.")
        if "cost" in numbers and numbers["cost"] > MAX_COST_PER_TICKET * max(tickets, 1):
            errors["cost"] = _(
                "More than %(max)s per ticket is not plausible: enter the day's total cost in euros."
            ) % {"max": format_eur(MAX_COST_PER_TICKET, 0)}
    note = values.get("note") or ""
    if len(str(note)) > MAX_NOTE_LENGTH:
        errors["note"] = _("Keep the note under %(max)s characters.") % {"max": MAX_NOTE_LENGTH}
    return errors


def _clean_values(values: Mapping[str, object]) -> dict[str, object]:
    """Typed values after `kpi_entry_errors` passed: ints for counts, Decimal for the rest."""
    cleaned: dict[str, object] = {}
    for name in COUNT_FIELDS:
        if values.get(name) not in (None, ""):
            cleaned[name] = int(Decimal(str(values[name])))
    for name in DECIMAL_FIELDS:
        # Exact: kpi_entry_errors allowed at most two significant decimals ("35.50", "35.500").
        cleaned[name] = Decimal(str(values[name])).quantize(Decimal("0.01"))
    if "note" in values:
        cleaned["note"] = str(values.get("note") or "").strip()
    return cleaned


def kpi_entry_upsert(
    *,
    pilot: Pilot,
    day: date,
    values: Mapping[str, object],
    by,
    source: str = "form",
    today: date | None = None,
) -> tuple[KpiEntry, bool]:
    """Save one day's KPIs: create the day's entry, or edit it when the day has one.

    Returns (entry, created). Raises ValidationError({field: message}) and saves nothing when a
    rule fails. simple-history keeps every version (who: `by`; what: the values; `source` says
    whether it came through the form, the CSV import or the API). An entry made after its day
    is marked late; editing it later keeps the flag it was made with (history shows the edit).
    Fields missing from `values` (e.g. `qa_sampled`, `note` through the API) keep their value.
    """
    today = app_today() if today is None else today
    errors = kpi_entry_errors(pilot=pilot, day=day, values=values, today=today)
    if errors:
        raise ValidationError(errors)
    cleaned = _clean_values(values)

    with transaction.atomic():
        entry = KpiEntry.objects.select_for_update().filter(pilot=pilot, day=day).first()
        created = entry is None
        if created:
            entry = KpiEntry(pilot=pilot, day=day, entered_by=by, late=today > day)
        for name, value in cleaned.items():
            setattr(entry, name, value)
        # The database constraints stand behind the rules above; one-entry-per-day is settled
        # by the unique constraint itself below, not by a racy look-up.
        entry.full_clean(validate_constraints=False)
        entry._history_user = by
        entry._change_reason = source
        if created:
            try:
                # A concurrent first save of the same day: the unique constraint decides, and
                # the loser edits the winner's row instead (the savepoint keeps our transaction).
                with transaction.atomic():
                    entry.save()
            except IntegrityError:
                if not KpiEntry.objects.filter(pilot=pilot, day=day).exists():
                    raise  # not the race: a constraint the rules should have caught
                return kpi_entry_upsert(
                    pilot=pilot, day=day, values=values, by=by, source=source, today=today
                )
        else:
            entry.save()
        if pilot.status == PilotStatus.PLANNED:
            # An entry for a day that has begun proves the pilot is running.
            pilot_refresh_status(pilot=pilot, as_of=today)
    return entry, created


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def kpi_entries_import(
    *,
    pilot: Pilot,
    rows: Iterable[tuple[date, Mapping[str, object]]],
    by,
    source: str = "CSV",
    today: date | None = None,
) -> ImportResult:
    """All rows or none: one transaction; the first failing row rolls every row back."""
    today = app_today() if today is None else today
    created = updated = 0
    with transaction.atomic():
        for day, values in rows:
            _entry, was_created = kpi_entry_upsert(
                pilot=pilot, day=day, values=values, by=by, source=source, today=today
            )
            created += was_created
            updated += not was_created
    return ImportResult(created=created, updated=updated)


def pilot_refresh_status(*, pilot: Pilot, as_of: date) -> Pilot:
    """Planned → running once day 1 has begun (and back, should the start date move).

    Decided and closed belong to the managers' decision and are never changed here.
    Idempotent: saves (and writes history) only when the status changes.
    """
    status = pilot_status(pilot, as_of)
    if status != pilot.status:
        pilot.status = status
        pilot._change_reason = "status follows the calendar"
        pilot.save(update_fields=["status"])
    return pilot


def pilots_refresh_status(*, as_of: date) -> int:
    """Refresh every planned or running pilot whose stored status lags the calendar."""
    lagging = Pilot.objects.filter(
        Q(status=PilotStatus.PLANNED, start_date__lte=as_of)
        | Q(status=PilotStatus.RUNNING, start_date__gt=as_of)
    )
    changed = 0
    for pilot in lagging:
        with transaction.atomic():
            pilot_refresh_status(pilot=pilot, as_of=as_of)
        changed += 1
    return changed


def pilot_create(
    *,
    vendor,
    channel: str,
    start_date: date,
    length_days: int,
    targets: Mapping[str, Decimal],
    by,
    quote=None,
    managers: Iterable = (),
    as_of: date | None = None,
) -> Pilot:
    """Create a pilot (procurement). `targets` maps KPI keys to targets; the status follows
    the start date, which may lie in the past (a pilot recorded after it began)."""
    as_of = app_today() if as_of is None else as_of
    errors: dict[str, str] = {}
    if quote is not None:
        if quote.vendor_id != vendor.id:
            errors["quote"] = _("This quote is from another vendor than the pilot's.")
        elif quote.status != QuoteStatus.SUBMITTED:
            errors["quote"] = _("Only a submitted quote can be piloted.")
    if length_days is not None and not 30 <= length_days <= 90:
        errors["length_days"] = _("A pilot runs 30 to 90 days.")
    for key, name in TARGET_FIELDS.items():
        if targets.get(key) is None:
            errors[name] = _("Enter a target.")
    pilot = Pilot(
        vendor=vendor,
        quote=quote,
        channel=channel,
        start_date=start_date,
        length_days=length_days,
        created_by=by,
        **{
            name: None if targets.get(key) is None else Decimal(targets[key])
            for key, name in TARGET_FIELDS.items()
        },
    )
    pilot.status = pilot_status(pilot, as_of)
    try:
        # The length's check constraint is the rule above in our own words.
        pilot.full_clean(validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, messages[0])
    if errors:
        raise ValidationError(errors)
    pilot._history_user = by
    with transaction.atomic():
        pilot.save()
        pilot.managers.set(list(managers))
    return pilot
