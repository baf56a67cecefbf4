"""kpi_entry_upsert: the rules every channel shares, upsert with history, the late flag."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from kpis.days import kpi_day_errors
from pilots.models import KpiEntry, PilotStatus
from pilots.services import (
    kpi_entries_import,
    kpi_entry_upsert,
    pilot_refresh_status,
    pilots_refresh_status,
)
from tests.pilots.kpi_entry_helpers import AMSTERDAM, NOW, START, TODAY, good_values, make_pilot

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


@pytest.fixture
def pilot(vendor_a):
    return make_pilot(vendor_a, start=START, length=30, status=PilotStatus.RUNNING)


def errors_for(pilot, day=TODAY, **overrides) -> dict[str, str]:
    return kpi_day_errors(period=pilot, day=day, values=good_values(**overrides), today=TODAY)


def test_a_plausible_day_passes(pilot):
    assert errors_for(pilot) == {}


@pytest.mark.parametrize(
    ("day", "fragment"),
    [
        (TODAY + timedelta(days=1), "future"),
        (START - timedelta(days=1), "outside the pilot"),
        (START + timedelta(days=30), "outside the pilot"),  # day 31 of a 30-day pilot
    ],
)
def test_a_day_in_the_future_or_outside_the_pilot_is_refused_on_the_date(pilot, day, fragment):
    errors = errors_for(pilot, day=day)
    assert list(errors) == ["day"]
    assert fragment in errors["day"]


def test_the_first_and_last_day_and_today_are_accepted(vendor_a):
    pilot = make_pilot(vendor_a, start=date(2026, 2, 9), length=30)  # ends 2026-03-10
    assert errors_for(pilot, day=date(2026, 2, 9)) == {}
    assert errors_for(pilot, day=date(2026, 3, 10)) == {}


@pytest.mark.parametrize(
    "field",
    [
        "tickets",
        "csat_responses",
        "csat_positive",
        "frt_minutes",
        "aht_minutes",
        "fcr_resolved",
        "cost",
        "qa_sampled",
    ],
)
def test_a_negative_number_is_refused_on_its_field(pilot, field):
    errors = errors_for(pilot, **{field: -1})
    assert errors[field] == "Must not be negative."


def test_positive_responses_cannot_exceed_responses(pilot):
    errors = errors_for(pilot, csat_responses=10, csat_positive=11)
    assert errors == {"csat_positive": "Cannot exceed the number of CSAT responses."}


def test_resolved_at_first_contact_cannot_exceed_tickets(pilot):
    errors = errors_for(pilot, tickets=10, fcr_resolved=11, qa_sampled=0)
    assert errors == {"fcr_resolved": "Cannot exceed the number of tickets."}


def test_qa_samples_cannot_exceed_tickets(pilot):
    errors = errors_for(pilot, tickets=10, fcr_resolved=5, qa_sampled=11)
    assert errors == {"qa_sampled": "Cannot exceed the number of tickets."}


@pytest.mark.parametrize(
    ("overrides", "field", "allowed"),
    [
        ({"tickets": 100_001}, "tickets", {"tickets": 100_000}),
        ({"csat_responses": 100_001}, "csat_responses", {"csat_responses": 100_000}),
        ({"frt_minutes": "10080.01"}, "frt_minutes", {"frt_minutes": "10080"}),
        ({"aht_minutes": "1440.01"}, "aht_minutes", {"aht_minutes": "1440"}),
        # €1,000 per ticket: 100 tickets may cost €100,000, not a cent more.
        ({"cost": "100000.01"}, "cost", {"cost": "100000.00"}),
        # A day without tickets may still cost something (a fixed fee), up to €1,000.
        (
            {"tickets": 0, "csat_responses": 0, "csat_positive": 0, "fcr_resolved": 0,
             "qa_sampled": 0, "cost": "1000.01"},
            "cost",
            {"tickets": 0, "csat_responses": 0, "csat_positive": 0, "fcr_resolved": 0,
             "qa_sampled": 0, "cost": "1000"},
        ),
    ],
)  # fmt: skip
def test_absurd_values_are_refused_at_the_documented_caps(pilot, overrides, field, allowed):
    assert field in errors_for(pilot, **overrides)
    assert "plausible" in errors_for(pilot, **overrides)[field]
    assert errors_for(pilot, **allowed) == {}


@pytest.mark.parametrize("field", ["tickets", "frt_minutes", "cost", "fcr_resolved"])
def test_a_missing_value_is_required(pilot, field):
    assert errors_for(pilot, **{field: None})[field] == "This field is required."


def test_more_than_two_decimals_and_fractions_of_tickets_are_refused(pilot):
    assert errors_for(pilot, cost="310.001")["cost"] == "Use at most 2 decimal places."
    assert errors_for(pilot, cost="310.500") == {}  # the same number as 310.50
    assert errors_for(pilot, tickets="100.5")["tickets"] == "Enter a whole number."
    assert errors_for(pilot, aht_minutes="NaN")["aht_minutes"] == "Enter a number."


@time_machine.travel(NOW, tick=False)
def test_upsert_creates_then_edits_the_same_day_and_history_keeps_who_when_what(
    pilot, vendor_a_user, procurement_user
):
    entry, created = kpi_entry_upsert(
        pilot=pilot, day=TODAY, values=good_values(tickets=100), by=vendor_a_user
    )
    assert created is True
    assert (entry.tickets, entry.entered_by, entry.late) == (100, vendor_a_user, False)

    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        again, created = kpi_entry_upsert(
            pilot=pilot,
            day=TODAY,
            values=good_values(tickets=120, fcr_resolved=90),
            by=procurement_user,
            source="API",
        )
    assert created is False
    assert again.pk == entry.pk
    assert KpiEntry.objects.filter(pilot=pilot, day=TODAY).count() == 1
    entry.refresh_from_db()
    assert (entry.tickets, entry.fcr_resolved) == (120, 90)

    first, second = entry.history.order_by("history_date")
    assert (first.history_type, first.history_user, first.tickets) == ("+", vendor_a_user, 100)
    assert first.history_change_reason == "form"
    assert (second.history_type, second.history_user, second.tickets) == (
        "~",
        procurement_user,
        120,
    )
    assert second.history_change_reason == "API"
    assert second.history_date - first.history_date == timedelta(hours=3)
    changed = {change.field for change in second.diff_against(first).changes}
    assert changed >= {"tickets", "fcr_resolved"}


def test_a_refused_save_changes_nothing(pilot, vendor_a_user):
    kpi_entry_upsert(pilot=pilot, day=TODAY, values=good_values(), by=vendor_a_user, today=TODAY)
    with pytest.raises(ValidationError) as caught:
        kpi_entry_upsert(
            pilot=pilot,
            day=TODAY,
            values=good_values(csat_positive=99, csat_responses=10),
            by=vendor_a_user,
            today=TODAY,
        )
    assert "csat_positive" in caught.value.message_dict
    entry = KpiEntry.objects.get(pilot=pilot, day=TODAY)
    assert entry.csat_positive == 36
    assert entry.history.count() == 1


def test_an_entry_made_after_its_day_is_late_and_a_day_entered_on_time_is_not(pilot, vendor_a_user):
    with time_machine.travel(datetime(2026, 3, 5, 22, 0, tzinfo=AMSTERDAM), tick=False):
        on_time, _ = kpi_entry_upsert(
            pilot=pilot, day=date(2026, 3, 5), values=good_values(), by=vendor_a_user
        )
    with time_machine.travel(datetime(2026, 3, 6, 8, 0, tzinfo=AMSTERDAM), tick=False):
        late, _ = kpi_entry_upsert(
            pilot=pilot, day=date(2026, 3, 4), values=good_values(), by=vendor_a_user
        )
        # Correcting an on-time day later keeps the flag it was made with (history shows the edit).
        corrected, _ = kpi_entry_upsert(
            pilot=pilot, day=date(2026, 3, 5), values=good_values(tickets=101), by=vendor_a_user
        )
    assert on_time.late is False
    assert late.late is True
    corrected.refresh_from_db()
    assert corrected.late is False and corrected.tickets == 101


def test_today_and_the_future_follow_the_apps_time_zone_not_utc(pilot, vendor_a_user):
    # 23:30 UTC on 10 March is already 00:30 on 11 March in Amsterdam.
    with time_machine.travel(datetime(2026, 3, 10, 23, 30, tzinfo=UTC), tick=False):
        entry, created = kpi_entry_upsert(
            pilot=pilot, day=date(2026, 3, 11), values=good_values(), by=vendor_a_user
        )
        assert created and entry.late is False
        with pytest.raises(ValidationError) as caught:
            kpi_entry_upsert(
                pilot=pilot, day=date(2026, 3, 12), values=good_values(), by=vendor_a_user
            )
    assert "future" in caught.value.message_dict["day"][0]


def test_entry_enqueues_its_alert_refresh_after_commit_and_saves_with_the_broker_down(
    pilot, vendor_a_user, django_capture_on_commit_callbacks
):
    """docs/domain.md §5: alerts are refreshed as soon as an entry is saved, after the commit and
    off the request; a broker that is down loses nothing (the entry is saved, the failure is
    logged, the daily sweep refreshes the alerts anyway)."""
    with (
        mock.patch("celery.app.task.Task.apply_async", side_effect=ConnectionError) as apply,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        kpi_entry_upsert(
            pilot=pilot, day=TODAY, values=good_values(), by=vendor_a_user, today=TODAY
        )
    assert len(callbacks) == 1  # one enqueue, after the commit
    assert apply.call_count == 1
    assert apply.call_args.kwargs["args"] == (pilot.pk,)
    assert KpiEntry.objects.filter(pilot=pilot).count() == 1


def test_a_missing_qa_sample_or_note_keeps_the_saved_value_on_replace(pilot, vendor_a_user):
    kpi_entry_upsert(
        pilot=pilot,
        day=TODAY,
        values=good_values(qa_sampled=4, note="Peak after the newsletter"),
        by=vendor_a_user,
        today=TODAY,
    )
    api_values = {
        k: v for k, v in good_values(tickets=110).items() if k not in ("qa_sampled", "note")
    }
    entry, _ = kpi_entry_upsert(
        pilot=pilot, day=TODAY, values=api_values, by=vendor_a_user, today=TODAY
    )
    entry.refresh_from_db()
    assert (entry.tickets, entry.qa_sampled, entry.note) == (110, 4, "Peak after the newsletter")


def test_decimals_are_stored_exactly(pilot, vendor_a_user):
    entry, _ = kpi_entry_upsert(
        pilot=pilot,
        day=TODAY,
        values=good_values(frt_minutes=35.1, cost="310.500"),
        by=vendor_a_user,
        today=TODAY,
    )
    entry.refresh_from_db()
    assert entry.frt_minutes == Decimal("35.10")
    assert entry.cost == Decimal("310.50")


def test_import_saves_all_rows_or_none(pilot, vendor_a_user):
    rows = [
        (date(2026, 3, 1), good_values()),
        (date(2026, 3, 2), good_values(fcr_resolved=101)),  # more resolved than tickets
    ]
    with pytest.raises(ValidationError):
        kpi_entries_import(pilot=pilot, rows=rows, by=vendor_a_user, today=TODAY)
    assert KpiEntry.objects.filter(pilot=pilot).count() == 0
    result = kpi_entries_import(pilot=pilot, rows=rows[:1], by=vendor_a_user, today=TODAY)
    assert (result.created, result.updated) == (1, 0)


def test_status_follows_the_calendar_until_a_decision(vendor_a):
    pilot = make_pilot(vendor_a, start=date(2026, 3, 20), status=PilotStatus.PLANNED)
    pilot_refresh_status(pilot=pilot, as_of=date(2026, 3, 19))
    assert pilot.status == PilotStatus.PLANNED
    pilot_refresh_status(pilot=pilot, as_of=date(2026, 3, 20))
    pilot.refresh_from_db()
    assert pilot.status == PilotStatus.RUNNING
    pilot.status = PilotStatus.DECIDED
    pilot.save()
    pilot_refresh_status(pilot=pilot, as_of=date(2026, 6, 1))
    pilot.refresh_from_db()
    assert pilot.status == PilotStatus.DECIDED


def test_the_bulk_refresh_touches_only_lagging_pilots(vendor_a):
    lagging = make_pilot(vendor_a, start=date(2026, 3, 1), status=PilotStatus.PLANNED)
    make_pilot(vendor_a, start=date(2026, 4, 1), status=PilotStatus.PLANNED)
    make_pilot(vendor_a, start=date(2026, 2, 1), status=PilotStatus.RUNNING)
    assert pilots_refresh_status(as_of=TODAY) == 1
    lagging.refresh_from_db()
    assert lagging.status == PilotStatus.RUNNING
    assert pilots_refresh_status(as_of=TODAY) == 0


def test_the_first_entry_marks_a_planned_pilot_running(vendor_a, vendor_a_user):
    pilot = make_pilot(vendor_a, start=START, status=PilotStatus.PLANNED)
    kpi_entry_upsert(pilot=pilot, day=START, values=good_values(), by=vendor_a_user, today=TODAY)
    pilot.refresh_from_db()
    assert pilot.status == PilotStatus.RUNNING


def test_a_concurrent_first_save_of_the_same_day_edits_the_winners_row(
    pilot, vendor_a_user, procurement_user
):
    # The other request saved the day between our look-up and our insert.
    KpiEntry.objects.create(
        pilot=pilot, day=TODAY, entered_by=procurement_user, **good_values(tickets=80)
    )
    look_ups = []
    real = KpiEntry.objects.select_for_update

    def racing_look_up(*args, **kwargs):
        look_ups.append(1)
        rows = real(*args, **kwargs)
        return rows.none() if len(look_ups) == 1 else rows  # the first look-up sees no row

    with mock.patch.object(KpiEntry.objects, "select_for_update", side_effect=racing_look_up):
        entry, created = kpi_entry_upsert(
            pilot=pilot, day=TODAY, values=good_values(tickets=90), by=vendor_a_user, today=TODAY
        )
    assert created is False and len(look_ups) == 2
    assert KpiEntry.objects.get(pilot=pilot, day=TODAY).tickets == 90
