"""Demo for `seed_demo`: run the checkpoint sweep as of today so the demo pilot past day 60
has its scorecards — and their e-mail has gone out — right after `make run`.

`seed_demo` calls `seed_evaluation(cast, pilot_lines)` after `seed_pilots`. Safe to run
twice: the sweep makes nothing new and every e-mail is claimed once.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.emails import absolute_url

from .evaluation import (
    pilots_evaluate_due,
    scorecard_email_send_now,
    scorecards_pending_email,
    verdict_label,
)
from .models import Scorecard


def seed_evaluation(cast: dict | None = None, pilot_lines_or_result=None) -> list[str]:
    as_of = timezone.localdate()
    created = pilots_evaluate_due(as_of=as_of)
    made = {card.pk for card in created}
    to_send = [card.pk for card in created] + [
        pk for pk in scorecards_pending_email() if pk not in made
    ]
    # In-process, like `evaluate_pilots`: no worker is needed to see the e-mail, and it goes
    # out only once the demo data is committed.
    transaction.on_commit(lambda: [scorecard_email_send_now(scorecard_id=pk) for pk in to_send])

    lines = []
    decision_cards = Scorecard.objects.filter(details__decision=True).select_related(
        "pilot__vendor"
    )
    for card in decision_cards.order_by("pilot_id"):
        url = absolute_url(
            reverse("pilots:scorecard_detail", args=[card.pilot_id, card.checkpoint_day])
        )
        lines.append(
            _("Decision scorecard (day %(day)s) of the %(vendor)s pilot: %(verdict)s — %(url)s")
            % {
                "day": card.checkpoint_day,
                "vendor": card.pilot.vendor.name,
                "verdict": verdict_label(card.verdict),
                "url": url,
            }
        )
    if created:
        lines.append(
            _("%(count)s scorecards made as of %(date)s; their e-mail is sent to the managers.")
            % {"count": len(created), "date": as_of.isoformat()}
        )
    return lines
