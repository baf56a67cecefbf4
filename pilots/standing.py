"""The pilots' part of a vendor's standing in sourcing (docs/domain.md §6, last bullet): the
verdict of its last pilot that reached one. Registered with procurement's standing
registry in `PilotsConfig.ready()` (procurement never imports pilots)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from procurement.standing import StandingNote

from .models import Decision, Pilot, Scorecard, Verdict


def pilot_standing(vendor_ids: Sequence[int]) -> dict[int, list[StandingNote]]:
    """Per vendor, its most recent pilot with a decision-checkpoint verdict or a manager's
    decision. A stop warns: the manager's decision when there is one, else the verdict."""
    pilots = (
        Pilot.objects.filter(vendor_id__in=vendor_ids)
        .filter(~Q(decision="") | Q(scorecards__verdict__isnull=False))
        .prefetch_related(
            Prefetch(
                "scorecards",
                queryset=Scorecard.objects.filter(verdict__isnull=False).order_by(
                    "-checkpoint_day"
                ),
                to_attr="verdict_cards",
            )
        )
        .order_by("vendor_id", "-start_date", "-id")
        .distinct()
    )
    notes: dict[int, list[StandingNote]] = {}
    for pilot in pilots:
        if pilot.vendor_id in notes:
            continue  # only the last pilot counts
        verdict = pilot.verdict_cards[0].verdict if pilot.verdict_cards else None
        parts = []
        if verdict:
            parts.append(_("verdict: %(verdict)s") % {"verdict": Verdict(verdict).label})
        if pilot.decision:
            parts.append(_("decision: %(decision)s") % {"decision": pilot.get_decision_display()})
        stopped = (pilot.decision or verdict) == Decision.STOP
        text = _("Last pilot (%(channel)s, from %(start)s) — %(outcome)s") % {
            "channel": pilot.get_channel_display(),
            "start": formats.date_format(pilot.start_date, "DATE_FORMAT"),
            "outcome": ", ".join(parts),
        }
        notes[pilot.vendor_id] = [
            StandingNote(
                source="pilot",
                text=text,
                warns=stopped,
                url=reverse("pilots:pilot_detail", args=[pilot.pk]),
            )
        ]
    return notes
