"""Reads for the evaluation work: KPI sums per checkpoint window (in the database, in
batches, with `kpis.days.kpi_sums`), scorecards and alerts within a user's reach, e-mail recipients and the cost
comparison of the decision scorecard.

`pilots.selectors` holds the shared reads; these are the evaluation's own.
"""

from __future__ import annotations

import functools
import logging
import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    F,
    IntegerField,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Least
from django.shortcuts import get_object_or_404

from accounts.models import Role
from costing.comparison import estimate_for_quote
from costing.engine import EngineInputError
from kpis import rules as kpis
from kpis.days import (
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    DatePlusDays,
    kpi_sums,
    totals_from_sums,
)
from kpis.rules import KpiTotals
from pilots.models import KpiEntry, Pilot, Scorecard
from pilots.selectors import pilots_for_user

logger = logging.getLogger(__name__)


# --- KPI sums per checkpoint window --------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Checkpoint `checkpoint_day` of a pilot covers its days 1..checkpoint_day."""

    pilot_id: int
    checkpoint_day: int
    length_days: int


# The standard checkpoints cut each pilot's days into segments: days 1–30, 31–60 and 61–90
# (`kpis.CHECKPOINT_DAYS`). A window's sums are the sums of the segments it covers: day 60 =
# 1–30 + 31–60. The last segment a pilot has ends at its own length (a 45-day pilot decides on
# day 45: 1–30 + 31–45), so a pilot's last window too is whole segments.
_CUTS = kpis.CHECKPOINT_DAYS


def _segments_of(window: Window) -> tuple[int, ...]:
    """The segments (named by their standard end day) that make up the window."""
    day = window.checkpoint_day
    if day not in _CUTS and day != min(window.length_days, _CUTS[-1]):
        raise ValueError(f"checkpoint day {day} is not a checkpoint")
    return tuple(cut for previous, cut in zip((0, *_CUTS), _CUTS, strict=False) if previous < day)


def kpi_totals_for_windows(windows: Iterable[Window]) -> dict[tuple[int, int], KpiTotals]:
    """Sum each pilot's entries over days 1..N of its checkpoint, in the database.

    ONE query whatever the number of pilots and windows: the entries of the pilots' days
    1..min(length, 90), grouped by pilot and segment (days 1–30, 31–60, 61–90: the
    per-pilot bounds are computed by the database from the pilot's start date); each window
    is then the sum of its segments (day 60 = 1–30 + 31–60). Windows without any entry are
    absent from the result: use `KpiTotals()`.
    """
    windows = list(windows)
    if not windows:
        return {}
    plan = {(w.pilot_id, w.checkpoint_day): _segments_of(w) for w in windows}
    start = F("pilot__start_date")
    segment = Case(
        *(When(day__lt=DatePlusDays(start, Value(cut)), then=Value(cut)) for cut in _CUTS[:-1]),
        default=Value(_CUTS[-1]),
        output_field=IntegerField(),
    )
    rows = (
        KpiEntry.objects.filter(
            pilot_id__in=sorted({w.pilot_id for w in windows}),
            day__gte=start,
            day__lt=DatePlusDays(start, Least(F("pilot__length_days"), Value(_CUTS[-1]))),
        )
        .annotate(segment=segment)
        .order_by()
        .values("pilot_id", "segment")
        .annotate(**kpi_sums())
    )
    parts = {(row["pilot_id"], row["segment"]): totals_from_sums(row) for row in rows}
    result: dict[tuple[int, int], KpiTotals] = {}
    for (pilot_id, day), segments in plan.items():
        found = [parts[key] for key in ((pilot_id, cut) for cut in segments) if key in parts]
        if found:
            result[(pilot_id, day)] = functools.reduce(operator.add, found)
    return result


def daily_entries(*, pilot: Pilot, date_from: date, date_to: date) -> list[KpiEntry]:
    """The days of a window, oldest first, for trend charts (one query)."""
    return list(
        KpiEntry.objects.filter(pilot=pilot, day__gte=date_from, day__lte=date_to)
        .order_by("day")
        .only(*_DAILY_FIELDS)
    )


# What a trend chart reads of each day: its values (not the note).
_DAILY_FIELDS = ("pilot_id", "day", *REQUIRED_FIELDS, *OPTIONAL_FIELDS)


def daily_entries_by_scorecard(scorecards: Sequence[Scorecard]) -> dict[int, list[KpiEntry]]:
    """`daily_entries` of each scorecard's window, for a batch of scorecards in one query."""
    result: dict[int, list[KpiEntry]] = {card.pk: [] for card in scorecards}
    if not scorecards:
        return result
    windows = defaultdict(list)
    for card in scorecards:
        windows[card.pilot_id].append(card)
    entries = (
        KpiEntry.objects.filter(
            pilot_id__in=list(windows),
            day__gte=min(card.window_from for card in scorecards),
            day__lte=max(card.window_to for card in scorecards),
        )
        .order_by("pilot_id", "day")
        .only(*_DAILY_FIELDS)
    )
    for entry in entries:
        for card in windows[entry.pilot_id]:
            if card.window_from <= entry.day <= card.window_to:
                result[card.pk].append(entry)
    return result


# --- Scorecards and alerts within reach ---------------------------------------------------


def scorecards_for_pilot(*, pilot: Pilot) -> QuerySet[Scorecard]:
    return Scorecard.objects.filter(pilot=pilot).order_by("checkpoint_day")


def get_pilot_for_evaluation(user, pk: int) -> Pilot:
    """The pilot with what a scorecard shows, or 404 outside the user's reach (a vendor
    sees only its own pilots): one query. Who decided is read only once a decision is
    recorded: two more joins quadrupled the query's planning time (4 ms)."""
    return get_object_or_404(
        pilots_for_user(user)
        .select_related("quote", "quote__vendor", "quote__rfq__owner")
        .prefetch_related("quote__rfq__channels"),
        pk=pk,
    )


def get_scorecard_for_user(user, *, pilot_pk: int, checkpoint_day: int) -> Scorecard:
    pilot = get_pilot_for_evaluation(user, pilot_pk)
    scorecard = get_object_or_404(Scorecard, pilot=pilot, checkpoint_day=checkpoint_day)
    scorecard.pilot = pilot  # keep the selected relations
    return scorecard


ALERT_STATUSES = ("open", "closed", "all")


# --- E-mail recipients ---------------------------------------------------------------------


def scorecard_recipients(*, pilot: Pilot) -> list:
    """The pilot's managers (every active manager when none were chosen) and the RFQ owner,
    each once, active users only."""
    return scorecard_recipients_by_pilot([pilot])[pilot.pk]


def scorecard_recipients_by_pilot(pilots: Iterable[Pilot]) -> dict[int, list]:
    """`scorecard_recipients` for many pilots at once (an e-mail batch): two queries, the
    managers chosen per pilot and every active manager, whatever the number of pilots.
    The pilots come with `quote__rfq__owner` selected."""
    pilots = list(pilots)
    user_model = get_user_model()
    chosen: dict[int, list] = defaultdict(list)
    links = Pilot.managers.through.objects.filter(
        pilot_id__in=[p.pk for p in pilots], user__is_active=True
    ).select_related("user")
    for link in links.order_by(*[f"user__{f}" for f in user_model._meta.ordering], "user_id"):
        chosen[link.pilot_id].append(link.user)
    every_manager: list | None = None
    result = {}
    for pilot in pilots:
        recipients = list(chosen.get(pilot.pk, []))
        if not recipients:
            if every_manager is None:
                every_manager = list(user_model.objects.filter(role=Role.MANAGER, is_active=True))
            recipients = list(every_manager)
        if pilot.quote_id is not None:
            owner = pilot.quote.rfq.owner
            if owner.is_active:
                recipients.append(owner)
        seen: set[str] = set()
        unique = []
        for user in recipients:
            if user.email and user.email.lower() not in seen:
                seen.add(user.email.lower())
                unique.append(user)
        result[pilot.pk] = unique
    return result


# --- Cost comparison for the decision scorecard (docs/domain.md §2) -----------------------------


@dataclass(frozen=True)
class CostComparison:
    quote_cost_per_ticket: Decimal | None
    in_house_cost_per_ticket: Decimal | None
    months: int | None
    problem: str | None = None  # why the engine could not price it (a missing quote field)


def cost_comparison(*, pilot: Pilot) -> CostComparison:
    """The quote's and the in-house cost per ticket over the RFQ's term and scope, from the
    pure costing engine. Without a quote there is nothing to compare against."""

    quote = pilot.quote
    if quote is None:
        return CostComparison(None, None, None)
    rfq = quote.rfq
    if not rfq.channels.all():
        return CostComparison(None, None, rfq.term_months, "no_scope")
    try:
        # Priced exactly as on the comparison page (costing/adapters.py).
        result = estimate_for_quote(quote=quote, rfq=rfq, months=rfq.term_months)
    except EngineInputError as exc:
        logger.info("scorecard cost comparison: quote %s cannot be priced: %s", quote.pk, exc)
        return CostComparison(None, None, rfq.term_months, "incomplete_quote")
    return CostComparison(
        result.outsourced.cost_per_ticket, result.in_house.cost_per_ticket, rfq.term_months
    )
