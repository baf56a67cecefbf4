"""The checkpoint sweep, scorecards, the scorecard e-mail claim and the managers' decisions.

DOMAIN.md §5 (checkpoints, pooled KPIs, verdict) is computed by the pure `pilots.kpis`;
this module finds what is due from stored dates, sums the KPIs in the database in
batches, and writes immutable scorecards exactly once:

- a scorecard per (pilot, checkpoint day) is guaranteed by the unique constraint
  `scorecard_one_per_checkpoint`; the sweep also locks each batch's pilot rows, so a
  second sweep running at the same time waits, then finds the scorecards made;
- its e-mail is claimed once (`sending` flips False → True in one UPDATE) before it is
  sent, and `emailed_at` records the send, so a retry or a second worker never mails twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.formats import format_decimal

from . import kpis
from .alerts import alert_open, alerts_close, alerts_refresh, pilot_targets
from .kpis import KpiTotals
from .models import (
    Alert,
    AlertKind,
    Decision,
    Pilot,
    PilotStatus,
    Scorecard,
    Verdict,
)
from .selectors_evaluation import Window, kpi_totals_for_windows

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# Scorecards whose e-mail never went out (the broker was down, or every retry failed) are
# offered again by the daily sweep for this long.
PENDING_EMAIL_DAYS = 14


# --- Labels (the pure module holds codes; these are their words) ----------------------------

KPI_LABELS = {
    kpis.CSAT: _("CSAT"),
    kpis.FRT: _("First response time"),
    kpis.AHT: _("Handle time"),
    kpis.FCR: _("First contact resolution"),
    kpis.COST: _("Cost per ticket"),
}
REMEDY_LABELS = {
    "training_and_knowledge_base": _("Training and knowledge base"),
    "staffing_at_peak_hours": _("Staffing at peak hours"),
    "systems_and_scripts": _("Systems and scripts"),
    "pricing_and_volume_commitments": _("Pricing and volume commitments"),
}


def kpi_label(key: str) -> str:
    return str(KPI_LABELS.get(key, key))


def kpi_unit(key: str) -> str:
    return {kpis.CSAT: "%", kpis.FCR: "%", kpis.COST: "€"}.get(key, gettext("min"))


def format_kpi(key: str, value) -> str:
    """A KPI value in the active language with its unit: 80,91% · 12,50 min · € 3,33."""
    if value is None:
        return "—"
    number = format_decimal(value, 2)
    unit = kpi_unit(key)
    if unit == "%":
        return f"{number}%"
    if unit == "€":
        return f"€\u00a0{number}"
    return f"{number}\u00a0{unit}"


def remedy_label(code: str) -> str:
    return str(REMEDY_LABELS.get(code, code))


def verdict_label(code: str | None) -> str:
    if not code:
        return ""
    return str(Verdict(code).label)


# --- What a scorecard shows --------------------------------------------------------------------


@dataclass(frozen=True)
class KpiRow:
    key: str
    label: str
    value: Decimal | None
    target: Decimal
    higher_is_better: bool
    met: bool
    interval: tuple[Decimal, Decimal] | None
    reliable: bool | None

    @property
    def direction(self) -> str:
        return "≥" if self.higher_is_better else "≤"

    @property
    def value_display(self) -> str:
        return format_kpi(self.key, self.value)

    @property
    def target_display(self) -> str:
        return format_kpi(self.key, self.target)

    @property
    def interval_display(self) -> str:
        if self.interval is None:
            return ""
        low, high = self.interval
        return f"{format_decimal(low, 2)}–{format_decimal(high, 2)}%"

    @property
    def not_yet_reliable(self) -> bool:
        """DOMAIN.md §5: met, but the 95% interval still reaches past the target."""
        return self.met and self.reliable is False


@dataclass(frozen=True)
class MissedRow:
    key: str
    label: str
    gap: Decimal | None
    remedy: str
    remedy_label: str

    @property
    def gap_display(self) -> str:
        """A percentage KPI misses by percentage points, not by a percentage."""
        if self.gap is not None and kpi_unit(self.key) == "%":
            return gettext("%(points)s percentage points") % {"points": format_decimal(self.gap, 2)}
        return format_kpi(self.key, self.gap)


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def scorecard_rows(scorecard: Scorecard) -> list[KpiRow]:
    """The stored KPI snapshot as rows, in DOMAIN.md's order."""
    rows = []
    for key in kpis.KPI_KEYS:
        data = scorecard.kpis.get(key, {})
        interval = data.get("interval")
        rows.append(
            KpiRow(
                key=key,
                label=kpi_label(key),
                value=_dec(data.get("value")),
                target=_dec(data.get("target")) or Decimal(0),
                higher_is_better=kpis.HIGHER_IS_BETTER[key],
                met=bool(data.get("met")),
                interval=(_dec(interval[0]), _dec(interval[1])) if interval else None,
                reliable=data.get("reliable"),
            )
        )
    return rows


def scorecard_missed(scorecard: Scorecard) -> list[MissedRow]:
    """On a stop: each missed KPI with its gap and the usual remedy (DOMAIN.md §5)."""
    return [
        MissedRow(
            key=item["kpi"],
            label=kpi_label(item["kpi"]),
            gap=_dec(item.get("gap")),
            remedy=item["remedy"],
            remedy_label=remedy_label(item["remedy"]),
        )
        for item in (scorecard.details or {}).get("missed", [])
    ]


def scorecard_is_decision(scorecard: Scorecard) -> bool:
    return bool((scorecard.details or {}).get("decision"))


# --- Building a scorecard (pure, from the database sums) ----------------------------------------


def scorecard_build(*, pilot: Pilot, checkpoint_day: int, totals: KpiTotals) -> Scorecard:
    """An unsaved scorecard for days 1..checkpoint_day of the pilot."""
    decision = checkpoint_day == kpis.decision_checkpoint_day(pilot.length_days)
    result = kpis.evaluate(
        totals=totals,
        targets=pilot_targets(pilot),
        window_days=checkpoint_day,
        decision=decision,
    )
    months = Decimal(checkpoint_day) / 30
    card = Scorecard(
        pilot=pilot,
        checkpoint_day=checkpoint_day,
        window_from=pilot.start_date,
        window_to=kpis.date_of_day(pilot.start_date, checkpoint_day),
        kpis={key: r.as_dict() for key, r in result.kpis.items()},
        met_count=result.met_count,
        data_coverage_pct=kpis.q2(result.data_coverage_pct),
        verdict=result.verdict,
        details={
            "decision": decision,
            "missed": result.missed,
            # The sums behind the pooled values, kept so the scorecard never needs the
            # entries again (it is a snapshot; later edits do not change it).
            "totals": {
                "days_with_entry": totals.days_with_entry,
                "tickets": totals.tickets,
                "csat_responses": totals.csat_responses,
                "csat_positive": totals.csat_positive,
                "fcr_resolved": totals.fcr_resolved,
                "cost": kpis.s2(totals.cost),
                "qa_sampled": totals.qa_sampled,
            },
            # Cost article: at least 50 sampled interactions a month for reliable QA.
            "qa_needed": int(
                (months * kpis.QA_SAMPLE_PER_MONTH).to_integral_value(rounding=ROUND_CEILING)
            ),
        },
    )
    # Field checks only: uniqueness is the database's job (the constraint, under the lock).
    card.full_clean(exclude=["pilot"], validate_unique=False, validate_constraints=False)
    return card


# --- The sweep -----------------------------------------------------------------------------------


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
    scorecard. Stopped and closed pilots get no further scorecards.
    """
    first = min(kpis.CHECKPOINT_DAYS)
    return (
        Pilot.objects.filter(start_date__lte=as_of - timedelta(days=first))
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
            logger.exception("evaluation batch %s..%s failed; retrying per pilot", ids[0], last_id)
            created, failed = _evaluate_one_by_one(ids, as_of=as_of, on_created=on_created)
        result.created.extend(created)
        result.failed_pilot_ids.extend(failed)
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
                    totals=totals.get((pilot_id, day), KpiTotals()),
                )
                for day in days
            )
        except Exception as exc:
            logger.exception("evaluation of pilot %s as of %s failed", pilot_id, as_of)
            failures[pilot_id] = exc
    created = Scorecard.objects.bulk_create(cards) if cards else []
    if created:
        Alert.objects.bulk_create(
            [
                Alert(
                    pilot_id=card.pilot_id,
                    kind=AlertKind.CHECKPOINT_REACHED,
                    key=str(card.checkpoint_day),
                    params={"met_count": card.met_count, "verdict": card.verdict},
                )
                for card in created
            ],
            ignore_conflicts=True,
        )
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


# --- The scorecard e-mail: claim once, send, record -------------------------------------------


def scorecard_email_claim(*, scorecard_id: int, now=None) -> bool:
    """True for exactly one caller: the one whose UPDATE took the claim (STYLE.md). A claim
    older than STALE_CLAIM_AGE was left by a worker that died mid-send and may be taken
    over. The same UPDATE counts the attempt."""
    now = now or timezone.now()
    free = Q(sending=False) | Q(sending_at__lt=now - STALE_CLAIM_AGE) | Q(sending_at=None)
    return (
        Scorecard.objects.filter(free, pk=scorecard_id, emailed_at=None).update(
            sending=True, sending_at=now, send_attempts=F("send_attempts") + 1
        )
        == 1
    )


def scorecard_email_reclaim(*, scorecard_id: int) -> bool:
    """For a retry, or a redelivery, of the task that claimed it: go on only while it is
    still claimed and not yet sent; refresh the claim and count the attempt."""
    return (
        Scorecard.objects.filter(pk=scorecard_id, emailed_at=None, sending=True).update(
            sending_at=timezone.now(), send_attempts=F("send_attempts") + 1
        )
        == 1
    )


class NoRecipients(Exception):
    pass


def scorecard_email_deliver(*, scorecard_id: int) -> int:
    """Send a claimed scorecard's e-mail and record `emailed_at`; return the messages sent.

    SMTP and network errors propagate (the task retries them with backoff)."""
    from .emails import scorecard_messages

    scorecard = Scorecard.objects.select_related("pilot__vendor", "pilot__quote__rfq__owner").get(
        pk=scorecard_id
    )
    messages = scorecard_messages(scorecard)
    if not messages:
        raise NoRecipients(gettext("nobody to e-mail: no active manager"))
    with get_connection(fail_silently=False) as connection:
        connection.send_messages(messages)
    with transaction.atomic():
        Scorecard.objects.filter(pk=scorecard_id).update(emailed_at=timezone.now(), sending=False)
        alerts_close(
            pilot_ids=[scorecard.pilot_id],
            kind=AlertKind.EMAIL_FAILED,
            key=str(scorecard.checkpoint_day),
        )
    return len(messages)


def scorecard_email_release(*, scorecard_id: int, error: BaseException | str) -> None:
    """Give up for now: free the claim (the next daily sweep offers it again) and alert."""
    Scorecard.objects.filter(pk=scorecard_id, emailed_at=None).update(sending=False)
    card = (
        Scorecard.objects.filter(pk=scorecard_id)
        .values("pilot_id", "checkpoint_day", "send_attempts")
        .first()
    )
    if card is None:
        return
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    alert_open(
        pilot_id=card["pilot_id"],
        kind=AlertKind.EMAIL_FAILED,
        key=str(card["checkpoint_day"]),
        params={"attempts": card["send_attempts"], "error": text[:200]},
    )


def scorecard_email_send_now(*, scorecard_id: int) -> bool:
    """Claim and send in this process (the command and the demo: no worker needed).
    A failure releases the claim and raises the `email_failed` alert."""
    if not scorecard_email_claim(scorecard_id=scorecard_id):
        return False
    try:
        scorecard_email_deliver(scorecard_id=scorecard_id)
    except Exception as exc:
        logger.exception("scorecard %s e-mail failed", scorecard_id)
        scorecard_email_release(scorecard_id=scorecard_id, error=exc)
        return False
    return True


# A live send takes seconds; its retries back off 31 s at most and refresh the claim. A claim
# untouched for this long belongs to a worker that died mid-send.
STALE_CLAIM_AGE = timedelta(minutes=10)


def scorecard_email_release_stale(*, now=None) -> int:
    """Free claims left by a worker that died mid-send, so the sweep offers them again."""
    now = now or timezone.now()
    released = (
        Scorecard.objects.filter(emailed_at=None, sending=True)
        .filter(Q(sending_at__lt=now - STALE_CLAIM_AGE) | Q(sending_at=None))
        .update(sending=False, sending_at=None)
    )
    if released:
        logger.warning("released %d stale scorecard e-mail claims", released)
    return released


def scorecards_pending_email(*, now=None) -> list[int]:
    """Scorecards of the last two weeks whose e-mail is neither sent nor in flight."""
    now = now or timezone.now()
    return list(
        Scorecard.objects.filter(
            emailed_at=None,
            sending=False,
            created_at__gte=now - timedelta(days=PENDING_EMAIL_DAYS),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- The managers' decision and the exit evaluation ----------------------------------------------


def decision_scorecard_exists(pilot: Pilot) -> bool:
    return Scorecard.objects.filter(
        pilot=pilot, checkpoint_day=kpis.decision_checkpoint_day(pilot.length_days)
    ).exists()


def final_scorecard_exists(pilot: Pilot) -> bool:
    return Scorecard.objects.filter(
        pilot=pilot, checkpoint_day=kpis.checkpoint_days(pilot.length_days)[-1]
    ).exists()


def pilot_can_decide(pilot: Pilot, *, has_decision_scorecard: bool) -> bool:
    return (
        has_decision_scorecard
        and pilot.status in (PilotStatus.RUNNING, PilotStatus.PLANNED)
        and not pilot.decision
    )


def pilot_can_exit_evaluate(pilot: Pilot, *, has_final_scorecard: bool) -> bool:
    """After the decision: a stop ends the pilot at once; a scale-up runs to its last
    checkpoint (day 90 for a 90-day pilot) and is evaluated there."""
    if pilot.status != PilotStatus.DECIDED or pilot.exit_evaluation:
        return False
    return pilot.decision == Decision.STOP or has_final_scorecard


def _check_manager(by) -> None:
    if not getattr(by, "is_manager", False):
        raise PermissionDenied


def pilot_decide(
    *,
    pilot: Pilot,
    decision: str,
    note: str,
    knowledge_transfer_rating: int,
    responsiveness_rating: int,
    by,
) -> Pilot:
    """A manager decides on the decision scorecard: scale up in phases, or stop. The pilot
    is then `decided`; the checkpoint alert that asked for it closes."""
    _check_manager(by)
    with transaction.atomic():
        pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
        if not decision_scorecard_exists(pilot):
            raise ValidationError(
                _("The decision scorecard (day %(day)s) has not been made yet.")
                % {"day": kpis.decision_checkpoint_day(pilot.length_days)}
            )
        if pilot.decision or pilot.status not in (PilotStatus.RUNNING, PilotStatus.PLANNED):
            raise ValidationError(_("This pilot has already been decided."))
        if not (note or "").strip():
            raise ValidationError({"decision_note": _("Explain the decision in a note.")})
        pilot.decision = decision
        pilot.decision_note = note.strip()
        pilot.knowledge_transfer_rating = knowledge_transfer_rating
        pilot.responsiveness_rating = responsiveness_rating
        pilot.decided_by = by
        pilot.decided_at = timezone.now()
        pilot.status = PilotStatus.DECIDED
        pilot.full_clean()
        pilot.save()
        alerts_close(
            pilot_ids=[pilot.pk],
            kind=AlertKind.CHECKPOINT_REACHED,
            key=str(kpis.decision_checkpoint_day(pilot.length_days)),
        )
    return pilot


def pilot_exit_evaluate(*, pilot: Pilot, evaluation: str, note: str, by) -> Pilot:
    """The 90-day exit evaluation, recorded like the decision; the pilot is then closed
    and its remaining alerts with it."""
    _check_manager(by)
    with transaction.atomic():
        pilot = Pilot.objects.select_for_update().get(pk=pilot.pk)
        if not pilot_can_exit_evaluate(pilot, has_final_scorecard=final_scorecard_exists(pilot)):
            if pilot.status != PilotStatus.DECIDED or pilot.exit_evaluation:
                raise ValidationError(
                    _("The exit evaluation follows the decision, and is recorded once.")
                )
            raise ValidationError(
                _("The last scorecard (day %(day)s) has not been made yet.")
                % {"day": kpis.checkpoint_days(pilot.length_days)[-1]}
            )
        if not (note or "").strip():
            raise ValidationError({"exit_evaluation_note": _("Explain the evaluation in a note.")})
        pilot.exit_evaluation = evaluation
        pilot.exit_evaluation_note = note.strip()
        pilot.exit_evaluated_by = by
        pilot.exit_evaluated_at = timezone.now()
        pilot.status = PilotStatus.CLOSED
        pilot.full_clean()
        pilot.save()
        alerts_close(pilot_ids=[pilot.pk])
    return pilot
