"""The checkpoint sweep (docs/domain.md §5): find what is due from stored dates, sum the KPIs in
the database in batches, and write immutable scorecards exactly once.

- a scorecard per (pilot, checkpoint day) is guaranteed by the unique constraint
  `scorecard_one_per_checkpoint`; the sweep also locks each batch's pilot rows, so a
  second sweep running at the same time waits, then finds the scorecards made;
- the e-mail of each new scorecard is queued per recipient in the outbox (`common.outbox`) by
  `pilots.evaluation.emails` and sent once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from django.db import transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, QuerySet, Value, When

from common import events
from common.bulk import batches_kept_out_of_gc, bulk_insert
from common.dates import DATE_MIN
from kpis import rules as kpis
from kpis.rules import KpiTotals
from pilots.models import Alert, AlertKind, Decision, Pilot, PilotStatus, Scorecard
from pilots.selectors import open_alert_count_changed

from .alerts import alert_open, alerts_close, alerts_refresh, emit_alerts_opened
from .scorecards import scorecard_build
from .selectors import Window, kpi_totals_for_windows

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
_NO_DAYS = KpiTotals()  # the sums of a window without entries


@dataclass
class SweepResult:
    created: list[Scorecard] = field(default_factory=list)
    failed_pilot_ids: list[int] = field(default_factory=list)


class EvaluationFailed(Exception):
    pass


def pilots_mark_running(*, as_of: date) -> int:
    """Planned pilots whose start date has come are running (one UPDATE)."""
    return Pilot.objects.filter(status=PilotStatus.PLANNED, start_date__lte=as_of).update(
        status=PilotStatus.RUNNING
    )


def _final_checkpoint_day():
    """The last checkpoint that fits: the length below 60 days, else 60, else 90."""
    return Case(
        When(length_days__lt=kpis.DECISION_DAY, then=F("length_days")),
        When(length_days__lt=kpis.CHECKPOINT_DAYS[-1], then=Value(kpis.DECISION_DAY)),
        default=Value(kpis.CHECKPOINT_DAYS[-1]),
        output_field=IntegerField(),
    )


def due_candidates(*, as_of: date) -> QuerySet[Pilot]:
    """Pilots that may have a due checkpoint without a scorecard, from stored dates only.

    The first checkpoint is day 30 at the earliest (a pilot runs at least 30 days), so a
    pilot is a candidate once `as_of ≥ start_date + 30` until its last checkpoint has a
    scorecard. Stopped and closed pilots get no further scorecards, nor does a pilot whose
    start date lies before any plausible date (`common.dates.DATE_MIN`: a row stored before
    dates were bounded, such as year 1, is not evaluated and e-mailed).
    """
    first = min(kpis.CHECKPOINT_DAYS)
    return (
        Pilot.objects.filter(
            start_date__lte=as_of - timedelta(days=first), start_date__gte=DATE_MIN
        )
        .exclude(status=PilotStatus.CLOSED)
        .exclude(status=PilotStatus.DECIDED, decision=Decision.STOP)
        .annotate(final_checkpoint_day=_final_checkpoint_day())
        .filter(
            ~Exists(
                Scorecard.objects.filter(
                    pilot=OuterRef("pk"), checkpoint_day=OuterRef("final_checkpoint_day")
                )
            )
        )
    )


def pilots_evaluate_due(
    *,
    as_of: date,
    batch_size: int = BATCH_SIZE,
    on_created: Callable[[list[int]], None] | None = None,
) -> list[Scorecard]:
    """Make every due scorecard as of `as_of` and refresh the alerts; return the new ones.

    Idempotent: a second run for the same date makes nothing. A sweep that missed days makes
    every missed checkpoint. `on_created(ids)` runs after each batch commits (the Celery task
    enqueues the e-mails there)."""
    return sweep(as_of=as_of, batch_size=batch_size, on_created=on_created).created


def sweep(
    *,
    as_of: date,
    batch_size: int = BATCH_SIZE,
    on_created: Callable[[list[int]], None] | None = None,
) -> SweepResult:
    result = SweepResult()
    pilots_mark_running(as_of=as_of)
    candidates = due_candidates(as_of=as_of).order_by("pk")
    last_id = 0
    with batches_kept_out_of_gc() as batch_done:
        while True:
            ids = list(candidates.filter(pk__gt=last_id).values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            last_id = ids[-1]
            try:
                with transaction.atomic():
                    created, failed = _evaluate_pilots(ids, as_of=as_of)
                    if on_created is not None and created:
                        transaction.on_commit(partial(on_created, [c.pk for c in created]))
            except Exception:
                # A database error sinks the whole batch: redo it pilot by pilot so that only
                # the pilot at fault fails (and raises its alert).
                logger.exception(
                    "evaluation batch %s..%s failed; retrying per pilot", ids[0], last_id
                )
                created, failed = _evaluate_one_by_one(ids, as_of=as_of, on_created=on_created)
            result.created.extend(created)
            result.failed_pilot_ids.extend(failed)
            batch_done()
    alerts_refresh(as_of=as_of, batch_size=batch_size)
    return result


def pilot_evaluate(*, pilot_id: int, as_of: date) -> list[Scorecard]:
    """One pilot's due scorecards (the retry of a failed evaluation)."""
    created, failed = _evaluate_one_by_one([pilot_id], as_of=as_of, on_created=None)
    if failed:
        raise EvaluationFailed(f"pilot {pilot_id} could not be evaluated")
    return created


def _evaluate_one_by_one(
    ids: list[int], *, as_of: date, on_created: Callable[[list[int]], None] | None
) -> tuple[list[Scorecard], list[int]]:
    created: list[Scorecard] = []
    failed: list[int] = []
    for pilot_id in ids:
        try:
            with transaction.atomic():
                made, bad = _evaluate_pilots([pilot_id], as_of=as_of)
                if on_created is not None and made:
                    transaction.on_commit(partial(on_created, [c.pk for c in made]))
            created.extend(made)
            failed.extend(bad)
        except Exception as exc:
            logger.exception("evaluation of pilot %s failed", pilot_id)
            _record_failures({pilot_id: exc}, as_of=as_of)
            failed.append(pilot_id)
    return created, failed


def _evaluate_pilots(ids: list[int], *, as_of: date) -> tuple[list[Scorecard], list[int]]:
    """Within the caller's transaction: a constant number of queries for the whole batch."""
    # Lock the batch's pilots (in id order, so two sweeps never deadlock): a concurrent
    # sweep waits here and then finds the scorecards this one made.
    pilots = list(
        Pilot.objects.filter(pk__in=ids)
        .exclude(status=PilotStatus.CLOSED)
        .order_by("pk")
        .select_for_update()
    )
    if not pilots:
        return [], []
    existing = set(
        Scorecard.objects.filter(pilot_id__in=[p.pk for p in pilots]).values_list(
            "pilot_id", "checkpoint_day"
        )
    )
    due: dict[int, list[int]] = {}
    for pilot in pilots:
        if pilot.status == PilotStatus.DECIDED and pilot.decision == Decision.STOP:
            continue
        days = [
            day
            for day in kpis.due_checkpoints(pilot.start_date, pilot.length_days, as_of)
            if (pilot.pk, day) not in existing
        ]
        if days:
            due[pilot.pk] = days
    by_id = {p.pk: p for p in pilots}
    totals = kpi_totals_for_windows(
        Window(pilot_id, day, by_id[pilot_id].length_days)
        for pilot_id, days in due.items()
        for day in days
    )

    cards: list[Scorecard] = []
    failures: dict[int, Exception] = {}
    for pilot_id, days in due.items():
        try:
            cards.extend(
                scorecard_build(
                    pilot=by_id[pilot_id],
                    checkpoint_day=day,
                    totals=totals.get((pilot_id, day), _NO_DAYS),
                )
                for day in days
            )
        except Exception as exc:
            logger.exception("evaluation of pilot %s as of %s failed", pilot_id, as_of)
            failures[pilot_id] = exc
    created = bulk_insert(cards)
    if created:
        checkpoint_alerts = [
            Alert(
                pilot_id=card.pilot_id,
                kind=AlertKind.CHECKPOINT_REACHED,
                key=str(card.checkpoint_day),
                params={"met_count": card.met_count, "verdict": card.verdict},
            )
            for card in created
        ]
        bulk_insert(checkpoint_alerts, ignore_conflicts=True)
        open_alert_count_changed()
        events.emit(
            events.SCORECARD_READY,
            (
                {
                    "scorecard_id": card.pk,
                    "pilot_id": card.pilot_id,
                    "checkpoint_day": card.checkpoint_day,
                    "decision": bool(card.details.get("decision")),
                    "verdict": card.verdict,
                    "met_count": card.met_count,
                }
                for card in created
            ),
        )
        emit_alerts_opened(checkpoint_alerts)
    succeeded = [p.pk for p in pilots if p.pk not in failures]
    if succeeded:
        alerts_close(pilot_ids=succeeded, kind=AlertKind.EVALUATION_FAILED)
    if failures:
        _record_failures(failures, as_of=as_of)
    return created, list(failures)


def _record_failures(failures: dict[int, Exception], *, as_of: date) -> None:
    for pilot_id, exc in failures.items():
        error = f"{type(exc).__name__}: {exc}"[:200]
        try:
            alert_open(
                pilot_id=pilot_id,
                kind=AlertKind.EVALUATION_FAILED,
                params={"error": error, "as_of": as_of.isoformat()},
            )
        except Exception:
            logger.exception("could not record the failed evaluation of pilot %s", pilot_id)
