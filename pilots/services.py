"""Writes for pilots and their daily KPI entries (docs/style.md: services write, selectors read).

A day's KPIs are written through `kpis.days` (the rules: `KpiDayForm`, one definition
used by the form, the CSV import and the API alike); these wrappers bind it to the pilot.
Saving a day enqueues the refresh of the pilot's alerts after the commit (off the request);
the daily sweep evaluates. An entry saves even while the broker is down: the enqueue failure
is logged and the sweep refreshes the alerts anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.db import retry_on_conflict
from kpis.days import (
    ImportResult,
    app_today,
    kpi_day_upsert,
    kpi_days_import,
)
from kpis.models import TARGET_FIELDS
from kpis.targets import tracked_kpis_clean
from procurement.models import QuoteStatus

from .models import KpiEntry, Pilot, PilotStatus, Scorecard
from .tasks import enqueue_alert_refresh


@retry_on_conflict
def kpi_entry_upsert(
    *,
    pilot: Pilot,
    day: date,
    values: Mapping[str, object],
    by,
    source: str = "form",
    today: date | None = None,
) -> tuple[KpiEntry, bool]:
    """Save one day's KPIs of the pilot (`kpi_days.kpi_day_upsert`); returns (entry, created).
    An entry for a day that has begun proves a planned pilot is running. One transaction,
    re-run on a deadlock (the pilot's row is locked first: `kpi_days.lock_owner`)."""
    today = app_today() if today is None else today
    entry, created = kpi_day_upsert(
        owner=pilot,
        entry_model=KpiEntry,
        owner_field="pilot",
        day=day,
        values=values,
        by=by,
        source=source,
        today=today,
    )
    if pilot.status == PilotStatus.PLANNED:
        pilot_refresh_status(pilot=pilot, as_of=today)
    if entry.corrected_final_day:
        scorecards_mark_data_changed(pilot=pilot, day=day)
    enqueue_alert_refresh(pilot.pk)
    return entry, created


def scorecards_mark_data_changed(*, pilot: Pilot, day: date) -> int:
    """docs/domain.md §5: procurement corrected a final day; every scorecard that covered it says
    its data changed after it was made (its figures stay as made)."""
    return Scorecard.objects.filter(pilot=pilot, window_from__lte=day, window_to__gte=day).update(
        data_changed_at=timezone.now()
    )


@retry_on_conflict
def kpi_entries_import(
    *,
    pilot: Pilot,
    rows: Iterable[tuple[date, Mapping[str, object]]],
    by,
    source: str = "CSV",
    today: date | None = None,
) -> ImportResult:
    """All rows or none: one transaction (re-run on a deadlock); the first failing row rolls
    every row back."""
    today = app_today() if today is None else today
    rows = list(rows)  # a re-run reads them again
    result = kpi_days_import(
        owner=pilot,
        entry_model=KpiEntry,
        owner_field="pilot",
        rows=rows,
        by=by,
        source=source,
        today=today,
    )
    if pilot.status == PilotStatus.PLANNED:
        pilot_refresh_status(pilot=pilot, as_of=today)
    enqueue_alert_refresh(pilot.pk)
    return result


def pilot_refresh_status(*, pilot: Pilot, as_of: date) -> Pilot:
    """Planned → running once day 1 has begun (and back, should the start date move).

    Decided and closed belong to the managers' decision and are never changed here.
    Idempotent: saves (and writes history) only when the status changes.
    """
    status = pilot.status_on(as_of)
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
    extra_targets: Mapping[str, object] | None = None,
    must_meet: Iterable[str] | None = None,
) -> Pilot:
    """Create a pilot (procurement). `targets` maps the five KPI keys to targets;
    `extra_targets` the tracked extra KPIs to theirs (none by default) and `must_meet` names
    the tracked KPIs that must be met (docs/domain.md §5). The status follows the start date,
    which may lie in the past (a pilot recorded after it began)."""
    as_of = app_today() if as_of is None else as_of
    errors: dict[str, str] = {}
    extras: dict[str, str] = {}
    must: list[str] = []
    try:
        extras, must = tracked_kpis_clean(extra_targets=extra_targets, must_meet=must_meet)
    except ValidationError as exc:
        errors.update({name: messages[0] for name, messages in exc.message_dict.items()})
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
        extra_targets=extras,
        must_meet=must,
        **{
            name: None if targets.get(key) is None else Decimal(targets[key])
            for key, name in TARGET_FIELDS.items()
        },
    )
    pilot.status = pilot.status_on(as_of)
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
