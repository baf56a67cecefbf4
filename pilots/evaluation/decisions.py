"""The managers' decision on the decision scorecard and the exit evaluation (docs/domain.md §5)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pilots.models import AlertKind, Decision, Pilot, PilotStatus, Scorecard

from .alerts import alerts_close


def decision_scorecard_exists(pilot: Pilot) -> bool:
    return Scorecard.objects.filter(pilot=pilot, checkpoint_day=pilot.decision_day).exists()


def final_scorecard_exists(pilot: Pilot) -> bool:
    return Scorecard.objects.filter(pilot=pilot, checkpoint_day=pilot.checkpoint_days[-1]).exists()


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
                % {"day": pilot.decision_day}
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
            key=str(pilot.decision_day),
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
                % {"day": pilot.checkpoint_days[-1]}
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
