"""Reads for pilots, KPI entries, scorecards and alerts."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from common import hooks
from common.queries import count_of, count_up_to
from kpis.days import app_today, kpi_totals_by
from kpis.rules import (
    HIGHER_IS_BETTER,
    QA_SAMPLE_PER_MONTH,
    Evaluation,
    KpiResult,
    KpiTotals,
    checkpoint_days,
    decision_checkpoint_day,
    evaluate,
    is_met,
)

from .models import Alert, KpiEntry, Pilot, PilotStatus, Scorecard

# Every length a pilot may have (the `pilot_length_30_90` constraint).
PILOT_LENGTHS = range(30, 91)

__all__ = ["app_today"]  # re-exported: pages and tests read "today" from the selectors


# The navigation badge: every internal page shows it, so it is counted once and kept briefly.
OPEN_ALERT_COUNT_KEY = "pilots:open-alert-count"
OPEN_ALERT_COUNT_SECONDS = 30


def open_alert_count() -> int:
    """The number of open alerts (index `alert_open_newest`), cached for 30 s and forgotten
    as soon as an alert opens or closes (`open_alert_count_changed`)."""
    count = cache.get(OPEN_ALERT_COUNT_KEY)
    if count is None:
        # The one alerts list: the pilots' and every room's registered (contracts').
        count = Alert.objects.filter(closed_at__isnull=True).count() + sum(
            source.queryset().filter(closed_at__isnull=True).count()
            for source in hooks.alert_sources
        )
        cache.set(OPEN_ALERT_COUNT_KEY, count, OPEN_ALERT_COUNT_SECONDS)
    return count


def open_alert_count_changed() -> None:
    """Alerts were opened or closed: forget the cached count now and again after the commit
    (a page counting meanwhile may have cached the old number)."""
    cache.delete(OPEN_ALERT_COUNT_KEY)
    transaction.on_commit(lambda: cache.delete(OPEN_ALERT_COUNT_KEY))


def kpi_totals(
    *, pilot_ids: Iterable[int], date_from: date | None = None, date_to: date | None = None
) -> dict[int, KpiTotals]:
    """Sum the daily entries per pilot in the database (one query, whatever the number of days).

    Pilots without an entry in the window are absent from the result: use `KpiTotals()`.
    """
    entries = KpiEntry.objects.filter(pilot_id__in=list(pilot_ids))
    if date_from is not None:
        entries = entries.filter(day__gte=date_from)
    if date_to is not None:
        entries = entries.filter(day__lte=date_to)
    return kpi_totals_by(entries, "pilot_id")


def pilots_for_user(user) -> QuerySet[Pilot]:
    """Internal roles see every pilot; a vendor only its own (DEVELOPERS.md: never anything else)."""
    # The quote's RFQ tells two pilots of one vendor and channel apart on every list.
    pilots = Pilot.objects.select_related("vendor", "quote__rfq")
    if user.is_vendor:
        return pilots.filter(vendor_id=user.vendor_id)
    return pilots


def get_pilot_for_user(user, pk: int) -> Pilot:
    """404 for a pilot outside the user's reach, so existence does not leak."""
    return get_object_or_404(pilots_for_user(user), pk=pk)


# --- Pilot pages: status, calendar, dashboard, list (docs/domain.md §5) ----------------------------


def pilot_status_q(status: str, as_of: date) -> Q:
    """The database filter that matches `pilot.status_on(as_of) == status`."""
    by_calendar = [PilotStatus.PLANNED, PilotStatus.RUNNING]
    if status == PilotStatus.PLANNED:
        return Q(status__in=by_calendar, start_date__gt=as_of)
    if status == PilotStatus.RUNNING:
        return Q(status__in=by_calendar, start_date__lte=as_of)
    return Q(status=status)


@dataclass(frozen=True)
class PilotSummary:
    """One row of a pilot list: status, day N of M, KPIs met so far, open alerts."""

    pilot: Pilot
    status: str
    day: int
    end_date: date
    is_over: bool
    days_with_entry: int
    met_count: int
    met: dict[str, bool]
    open_alerts: int | None


def pilots_for_list(
    *,
    user,
    status: str | None = None,
    channel: str | None = None,
    vendor_id: int | None = None,
    as_of: date,
) -> QuerySet[Pilot]:
    """Scoped to the user, filtered, newest first (index `pilot_newest`), with the open alerts
    counted per returned row in the same query."""
    pilots = pilots_for_user(user).annotate(
        open_alert_count=count_of(Alert.objects.filter(closed_at__isnull=True), "pilot")
    )
    if status:
        pilots = pilots.filter(pilot_status_q(status, as_of))
    if channel:
        pilots = pilots.filter(channel=channel)
    if vendor_id:
        pilots = pilots.filter(vendor_id=vendor_id)
    return pilots.order_by("-start_date", "-id")


def pilot_summaries(pilots: Iterable[Pilot], *, as_of: date) -> list[PilotSummary]:
    """KPIs met so far for a page of pilots: one `kpi_totals` query, whatever the page size."""
    pilots = list(pilots)
    totals = kpi_totals(pilot_ids=[p.id for p in pilots], date_to=as_of)
    rows = []
    for pilot in pilots:
        pilot_totals = totals.get(pilot.id, KpiTotals())
        result = evaluate(
            totals=pilot_totals,
            targets=pilot.targets,
            window_days=max(1, pilot.day_on(as_of)),
            decision=False,
        )
        rows.append(
            PilotSummary(
                pilot=pilot,
                status=pilot.status_on(as_of),
                day=pilot.day_on(as_of),
                end_date=pilot.end_date,
                is_over=pilot.is_over_on(as_of),
                days_with_entry=pilot_totals.days_with_entry,
                met_count=result.met_count,
                met={key: r.met for key, r in result.kpis.items()},
                open_alerts=getattr(pilot, "open_alert_count", None),
            )
        )
    return rows


@dataclass(frozen=True)
class KpiLine:
    """One KPI on the dashboard: pooled so far against its target, and over the last 7 days."""

    key: str
    result: KpiResult
    higher_is_better: bool
    last7_value: Decimal | None
    last7_met: bool

    @property
    def not_yet_reliable(self) -> bool:
        return self.result.reliable is False


@dataclass(frozen=True)
class WeekRow:
    number: int
    date_from: date
    date_to: date
    days_elapsed: int
    entries: int
    values: dict[str, Decimal | None]
    met: dict[str, bool]


@dataclass(frozen=True)
class Projection:
    """The decision checkpoint's verdict on the data so far (docs/domain.md §5)."""

    decision_day: int
    window_days: int
    complete: bool  # the decision window is over: this is the checkpoint's own data
    evaluation: Evaluation


@dataclass(frozen=True)
class PilotDashboard:
    pilot: Pilot
    as_of: date
    status: str
    day: int
    end_date: date
    is_over: bool
    days_over: int
    days_elapsed: int
    today_entered: bool
    days_with_entry: int
    coverage_pct: Decimal | None
    totals: KpiTotals
    kpis: list[KpiLine]
    met_count: int
    weeks: list[WeekRow]
    missing_days: list[tuple[int, date]]
    projection: Projection | None
    qa_month: date | None
    qa_sampled: int
    qa_target: int
    daily: dict[int, KpiEntry]
    daily_values: dict[str, list[tuple[int, Decimal | None]]]
    rolling7_values: dict[str, list[tuple[int, Decimal | None]]]
    checkpoint_days: list[int]
    late_count: int = field(default=0)

    @property
    def qa_short(self) -> bool:
        return self.qa_sampled < self.qa_target


def kpi_entries_for_pilot(pilot: Pilot) -> list[KpiEntry]:
    """A pilot's ≤ 90 entries, oldest first, in one query."""
    return list(KpiEntry.objects.filter(pilot=pilot).order_by("day"))


def dashboard_cache_key(*, pilot: Pilot, as_of: date, language: str) -> str:
    """What the dashboard's figures and charts depend on, in one short query: the pilot's
    last KPI change (every write of an entry, its edits and deletions too, adds a history
    row with a growing id), the pilot's own settings, the day and the language."""
    last_change = kpi_last_change(pilot_id=pilot.pk)
    settings_part = (
        pilot.start_date,
        pilot.length_days,
        pilot.status,
        pilot.decision,
        tuple(pilot.targets.values()),
    )
    digest = hashlib.sha256(repr(settings_part).encode()).hexdigest()[:16]
    return f"pilot-dashboard:{pilot.pk}:{last_change}:{digest}:{as_of}:{language}"


def kpi_last_change(*, pilot_id: int) -> int:
    """A number that grows with every write of the pilot's KPI entries (each write, edit and
    deletion adds a history row with a growing id): a cache key part for what is drawn from
    them. One short query."""
    last = KpiEntry.history.filter(pilot_id=pilot_id).aggregate(last=Max("history_id"))["last"]
    return last or 0


def pilot_dashboard(*, pilot: Pilot, as_of: date) -> PilotDashboard:
    """Everything the dashboard shows, from ONE query of the pilot's entries.

    "So far" means the days that are over plus today once today's entry is in: today is not
    missing while it lasts. Every window is pooled (docs/domain.md §5), never a mean of days.
    """
    targets = pilot.targets
    length = pilot.length_days
    current = pilot.day_number(as_of)
    entries = [e for e in kpi_entries_for_pilot(pilot) if e.day <= as_of]
    daily = {pilot.day_number(e.day): e for e in entries}
    daily_totals = {n: KpiTotals.from_entry(e) for n, e in daily.items()}

    days_over = max(0, min(length, current - 1))
    today_entered = 1 <= current <= length and current in daily
    days_elapsed = days_over + (1 if today_entered else 0)
    last_day = current if today_entered else days_over  # the last day the page judges
    elapsed_days = set(range(1, days_over + 1)) | ({current} if today_entered else set())

    totals = KpiTotals.total(daily_totals.values())
    so_far = evaluate(
        totals=totals,
        targets=targets,
        window_days=days_elapsed,
        decision=False,
        must_meet=pilot.must_meet_kpis,
    )

    def window(first: int, last: int) -> KpiTotals:
        return KpiTotals.total(
            daily_totals[n] for n in range(max(1, first), last + 1) if n in daily_totals
        )

    last7 = window(last_day - 6, last_day).pooled()
    kpis = [
        KpiLine(
            key=key,
            result=so_far.kpis[key],
            higher_is_better=HIGHER_IS_BETTER[key],
            last7_value=last7[key],
            last7_met=is_met(key, last7[key], targets[key]),
        )
        for key in targets  # the five and the tracked extras
    ]

    weeks = []
    for number in range(1, (last_day + 6) // 7 + 1):
        first, last = 7 * (number - 1) + 1, min(7 * number, length)
        week_totals = window(first, last)
        pooled = week_totals.pooled()
        weeks.append(
            WeekRow(
                number=number,
                date_from=pilot.date_of_day(first),
                date_to=pilot.date_of_day(last),
                days_elapsed=len([n for n in range(first, last + 1) if n in elapsed_days]),
                entries=week_totals.days_with_entry,
                values=pooled,
                met={key: is_met(key, pooled[key], targets[key]) for key in targets},
            )
        )

    projection = None
    if days_elapsed:
        decision_day = decision_checkpoint_day(length)
        window_days = min(days_elapsed, decision_day)
        projection = Projection(
            decision_day=decision_day,
            window_days=window_days,
            complete=days_over >= decision_day,
            evaluation=evaluate(
                totals=window(1, min(last_day, decision_day)),
                targets=targets,
                window_days=window_days,
                decision=True,
                must_meet=pilot.must_meet_kpis,
            ),
        )

    qa_month = min(as_of, pilot.end_date) if current >= 1 else None
    qa_sampled = (
        sum(
            e.qa_sampled
            for e in entries
            if (e.day.year, e.day.month) == (qa_month.year, qa_month.month)
        )
        if qa_month
        else 0
    )

    visible = range(1, last_day + 1)
    daily_values = {key: [] for key in targets}
    rolling7_values = {key: [] for key in targets}
    for n in visible:
        day_pooled = daily_totals[n].pooled() if n in daily_totals else dict.fromkeys(targets)
        rolling = window(n - 6, n).pooled()
        for key in targets:
            daily_values[key].append((n, day_pooled[key]))
            rolling7_values[key].append((n, rolling[key]))

    return PilotDashboard(
        pilot=pilot,
        as_of=as_of,
        status=pilot.status_on(as_of),
        day=pilot.day_on(as_of),
        end_date=pilot.end_date,
        is_over=pilot.is_over_on(as_of),
        days_over=days_over,
        days_elapsed=days_elapsed,
        today_entered=today_entered,
        days_with_entry=totals.days_with_entry,
        coverage_pct=so_far.data_coverage_pct if days_elapsed else None,
        totals=totals,
        kpis=kpis,
        met_count=so_far.met_count,
        weeks=weeks,
        missing_days=[(n, pilot.date_of_day(n)) for n in range(1, days_over + 1) if n not in daily],
        projection=projection,
        qa_month=qa_month,
        qa_sampled=qa_sampled,
        qa_target=QA_SAMPLE_PER_MONTH,
        daily=daily,
        daily_values=daily_values,
        rolling7_values=rolling7_values,
        checkpoint_days=checkpoint_days(length),
        late_count=sum(1 for e in entries if e.late),
    )


def kpi_entry_for_day(pilot: Pilot, day: date) -> KpiEntry | None:
    return KpiEntry.objects.filter(pilot=pilot, day=day).select_related("entered_by").first()


# --- What needs this person now (the home page, config/home.py) ----------------------------


@dataclass(frozen=True)
class CheckpointDue:
    pilot: Pilot
    day: int  # the checkpoint's pilot day
    due_on: date  # the day after the checkpoint day: the scorecard is made once it is over


def checkpoints_due(*, user, as_of: date, days: int) -> list[CheckpointDue]:
    """Checkpoints (day 30, 60, …) of undecided pilots that come due from `as_of` for `days`
    days, soonest first.

    Checkpoint N of a pilot is due on `start_date + N`, so it falls in the window exactly when
    `start_date` lies in `[as_of − N, as_of − N + days − 1]`. The few possible N (30, 60, 90 and
    the decision day of a pilot shorter than 60 days) become one OR of date ranges in SQL: only the pilots with a checkpoint in the window are loaded, however many
    pilots run (docs/domain.md §5)."""
    return _due_in_window(_checkpoint_window(user, as_of=as_of, days=days), as_of=as_of, days=days)


def _checkpoint_window(user, *, as_of: date, days: int) -> QuerySet[Pilot]:
    """The undecided pilots with a checkpoint due in the window (see `checkpoints_due`)."""
    last = days - 1

    def starts(n: int) -> Q:
        return Q(start_date__range=(as_of - timedelta(days=n), as_of - timedelta(days=n - last)))

    lengths_by_day: dict[int, list[int]] = {}
    for length in PILOT_LENGTHS:
        for n in checkpoint_days(length):
            lengths_by_day.setdefault(n, []).append(length)
    window = Q()
    for n, lengths in lengths_by_day.items():
        window |= Q(length_days__in=lengths) & starts(n)
    return pilots_for_user(user).filter(
        window, status__in=(PilotStatus.PLANNED, PilotStatus.RUNNING), start_date__lte=as_of
    )


def _due_in_window(pilots, *, as_of: date, days: int) -> list[CheckpointDue]:
    by_pk = {pilot.pk: pilot for pilot in pilots}
    due = _due_days([(p.pk, p.start_date, p.length_days) for p in by_pk.values()], as_of, days)
    return [CheckpointDue(by_pk[pk], day, due_on) for due_on, pk, day in due]


def _due_days(rows, as_of: date, days: int) -> list[tuple[date, int, int]]:
    """(due on, pilot pk, checkpoint day) of (pk, start date, length) rows, soonest first:
    checkpoint N is due the day after pilot day N (`Pilot.date_of_day`)."""
    end = as_of + timedelta(days=days)
    due = []
    for pk, start, length in rows:
        for day in checkpoint_days(length):
            try:
                due_on = start + timedelta(days=day)
            except OverflowError:
                continue
            if as_of <= due_on < end:
                due.append((due_on, pk, day))
    return sorted(due)


def checkpoints_due_first(
    *, user, as_of: date, days: int, limit: int
) -> tuple[int, list[CheckpointDue]]:
    """How many checkpoints come due (`checkpoints_due`) and the first `limit` of them with
    their pilots: the window's pilots are read as three columns (no model per row), only
    the listed ones whole — two queries; a home page at 10× the data has hundreds in the
    week."""
    window = _checkpoint_window(user, as_of=as_of, days=days)
    due = _due_days(window.values_list("pk", "start_date", "length_days"), as_of, days)
    first = due[:limit]
    whole = pilots_for_user(user).in_bulk([pk for _due_on, pk, _day in first])
    return len(due), [CheckpointDue(whole[pk], day, due_on) for due_on, pk, day in first]


def pilots_awaiting_decision(
    *, user, limit: int, cap: int | None = None
) -> tuple[int, list[Pilot]]:
    """Pilots whose decision scorecard (the one with a verdict) is made but not decided on.
    EXISTS, not a join with DISTINCT: the count stays an index scan as scorecards pile up."""
    with_verdict = Scorecard.objects.filter(pilot_id=OuterRef("pk"), verdict__isnull=False)
    pilots = pilots_for_user(user).filter(Exists(with_verdict), decision="")
    return count_up_to(pilots, cap), list(pilots.order_by("start_date", "pk")[:limit])


@dataclass(frozen=True)
class MissingDays:
    pilot: Pilot
    count: int
    first: date  # the earliest day without an entry


def pilots_with_missing_days(*, user, as_of: date, limit: int) -> tuple[int, list[MissingDays]]:
    """A vendor's running pilots with days up to yesterday that have no KPI entry: one query
    for the pilots with their entry counts, one for the days entered of those listed."""
    pilots = (
        pilots_for_user(user)
        .filter(status__in=(PilotStatus.PLANNED, PilotStatus.RUNNING), start_date__lt=as_of)
        .annotate(entered=Count("entries", filter=Q(entries__day__lt=as_of)))
    )
    missing = []
    for pilot in pilots.order_by("start_date", "pk"):
        last = min(as_of - timedelta(days=1), pilot.end_date)
        expected = (last - pilot.start_date).days + 1
        if pilot.entered < expected:
            missing.append((pilot, expected - pilot.entered, last))
    listed = missing[:limit]
    entered = {
        (pilot_id, day)
        for pilot_id, day in KpiEntry.objects.filter(
            pilot_id__in=[p.pk for p, _n, _l in listed], day__lt=as_of
        ).values_list("pilot_id", "day")
    }
    rows = []
    for pilot, count, last in listed:
        days = (
            pilot.start_date + timedelta(days=n) for n in range((last - pilot.start_date).days + 1)
        )
        first = next(day for day in days if (pilot.pk, day) not in entered)
        rows.append(MissingDays(pilot, count, first))
    return len(missing), rows
