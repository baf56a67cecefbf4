"""The home page at `/`: what needs this person now, by role (procurement, managers,
vendors), each block a count, the first few items and a link to the place to act.

Glue (config may import every app): the counts come from each app's selectors, a fixed
number of queries whatever the amount of work.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from common.formats import format_date, format_deadline
from common.queries import count_up_to
from contracts import selectors as contract_selectors
from kpis.days import app_today
from pilots import selectors as pilot_selectors
from pilots.evaluation.alert_list import AlertList
from procurement import selectors as procurement_selectors

LIST_LENGTH = 5
DEADLINE_WINDOW_DAYS = 7
# Counts stop here ("99+"): a count that read every row would grow with the data (issue 22);
# the list behind "All" has the exact number.
COUNT_CAP = 99


@dataclass(frozen=True)
class Row:
    url: str
    text: str
    detail: str = ""


@dataclass(frozen=True)
class Block:
    """One thing that needs the person: how many, the first few, where to see them all."""

    key: str
    title: str | Promise
    count: int
    rows: list[Row]
    empty: str | Promise  # what to do first when there is nothing
    more_url: str = ""
    action_url: str = ""
    action_label: str | Promise = ""
    extra: dict = field(default_factory=dict)

    @property
    def cap(self) -> int:
        return COUNT_CAP

    @property
    def capped(self) -> bool:
        """More than COUNT_CAP: counted no further."""
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        return f"{self.cap}+" if self.capped else str(self.count)


def _procurement_blocks(user, now) -> list[Block]:
    count, quotes = procurement_selectors.quotes_to_review(limit=LIST_LENGTH, cap=COUNT_CAP)
    to_review = Block(
        "quotes-to-review",
        gettext_lazy("Quotes to review"),
        count,
        [
            Row(
                reverse("procurement:quote_detail", args=[q.pk]),
                f"{q.vendor.name} — {q.rfq.reference}",
                _("submitted %(when)s") % {"when": format_date(q.submitted_at)},
            )
            for q in quotes
        ],
        gettext_lazy("No submitted quotes yet. Invite vendors to an open RFQ to receive some."),
        more_url=reverse("procurement:quote_list") + "?status=submitted",
    )
    if not count:
        # After an award cycle the submitted quotes are on decided RFQs: say so and lead
        # to them, never "no submitted quotes yet" (issue 24).
        submitted = procurement_selectors.submitted_quotes_count()
        if submitted:
            to_review = replace(
                to_review,
                empty=ngettext(
                    "No quote waits for a decision; %(count)s submitted quote is on a decided RFQ.",
                    "No quote waits for a decision; %(count)s submitted quotes are on decided "
                    "RFQs.",
                    submitted,
                )
                % {"count": submitted},
                action_url=to_review.more_url,
                action_label=_("All submitted quotes"),
            )
    count, rfqs = procurement_selectors.rfq_deadlines_within(
        now=now, days=DEADLINE_WINDOW_DAYS, limit=LIST_LENGTH
    )
    deadlines = Block(
        "deadlines-this-week",
        gettext_lazy("RFQ deadlines this week"),
        count,
        [
            Row(
                reverse("procurement:rfq_detail", args=[rfq.pk]),
                f"{rfq.reference} — {rfq.title}",
                ngettext(
                    "closes %(deadline)s · %(count)s quote in",
                    "closes %(deadline)s · %(count)s quotes in",
                    rfq.submitted_count,
                )
                % {"deadline": format_deadline(rfq.quote_deadline), "count": rfq.submitted_count},
            )
            for rfq in rfqs
        ],
        gettext_lazy("No quote deadline in the next seven days."),
        more_url=reverse("procurement:rfq_list") + "?status=open",
        action_url=reverse("procurement:rfq_create"),
        action_label=gettext_lazy("New RFQ"),
    )
    count, invitations = procurement_selectors.invitations_unanswered(
        limit=LIST_LENGTH, cap=COUNT_CAP, now=now
    )
    unanswered = Block(
        "invitations-unanswered",
        gettext_lazy("Invitations not answered"),
        count,
        [
            Row(
                reverse("procurement:rfq_detail", args=[i.rfq_id]),
                f"{i.vendor.name} — {i.rfq.reference}",
                _("deadline %(deadline)s") % {"deadline": format_deadline(i.rfq.quote_deadline)},
            )
            for i in invitations
        ],
        gettext_lazy("Every invited vendor has answered."),
        more_url=reverse("procurement:rfq_list") + "?status=open",
    )
    return [
        to_review,
        deadlines,
        unanswered,
        _award_block(
            "awards-proposed",
            gettext_lazy("Award proposals waiting for a manager"),
            gettext_lazy("No award proposal is waiting. Propose one from an RFQ's comparison."),
        ),
    ]


def _award_block(key: str, title: Promise, empty: Promise) -> Block:
    """Pending award proposals (issue 12): managers approve them, procurement follows them."""
    pending = procurement_selectors.pending_award_proposals().order_by("proposed_at")
    return Block(
        key,
        title,
        count_up_to(pending, COUNT_CAP),
        [
            Row(
                reverse("procurement:award_proposal", args=[p.pk]),
                f"{p.quote.vendor.name} — {p.rfq.reference}",
                _("proposed by %(who)s on %(date)s")
                % {"who": p.proposed_by, "date": format_date(p.proposed_at)},
            )
            for p in pending[:LIST_LENGTH]
        ],
        empty,
        more_url=reverse("procurement:award_proposal_list"),
    )


def _manager_blocks(user, today) -> list[Block]:
    count, checkpoints = pilot_selectors.checkpoints_due_first(
        user=user, as_of=today, days=DEADLINE_WINDOW_DAYS, limit=LIST_LENGTH
    )
    due = Block(
        "checkpoints-due",
        gettext_lazy("Checkpoints due this week"),
        count,
        [
            Row(
                reverse("pilots:pilot_detail", args=[c.pilot.pk]),
                _pilot_text(c.pilot),
                _("day %(day)s scorecard on %(date)s")
                % {"day": c.day, "date": format_date(c.due_on)},
            )
            for c in checkpoints
        ],
        gettext_lazy("No checkpoint falls due in the next seven days."),
        more_url=reverse("pilots:pilot_list"),
    )
    count, pilots = pilot_selectors.pilots_awaiting_decision(
        user=user, limit=LIST_LENGTH, cap=COUNT_CAP
    )
    awaiting = Block(
        "pilots-awaiting-decision",
        gettext_lazy("Pilots awaiting your decision"),
        count,
        [
            Row(
                reverse("pilots:scorecard_detail", args=[p.pk, p.decision_day]),
                _pilot_text(p),
                _("decision scorecard of day %(day)s") % {"day": p.decision_day},
            )
            for p in pilots
        ],
        gettext_lazy("No decision is waiting. Scorecards with a verdict appear here."),
        more_url=reverse("pilots:pilot_list"),
    )
    # The one alerts list: pilots' and contracts' (docs/domain.md §6).
    alerts = AlertList("open")
    open_alerts = Block(
        "open-alerts",
        gettext_lazy("Open alerts"),
        alerts.count(cap=COUNT_CAP),
        [Row(a.object_url, a.object_label, a.message) for a in alerts[:LIST_LENGTH]],
        gettext_lazy("No open alerts: every pilot is on track."),
        more_url=reverse("pilots:alert_list"),
    )
    awards = _award_block(
        "awards-to-approve",
        gettext_lazy("Awards waiting for your approval"),
        gettext_lazy("No award proposal waits for your approval."),
    )
    return [awaiting, awards, due, open_alerts]


def _vendor_blocks(user, now, today) -> list[Block]:
    count, invitations = procurement_selectors.vendor_invitations_to_answer(
        user=user, limit=LIST_LENGTH, cap=COUNT_CAP, now=now
    )
    to_answer = Block(
        "invitations-to-answer",
        gettext_lazy("Requests to answer"),
        count,
        [
            Row(
                reverse("procurement:portal_rfq", args=[i.rfq_id]),
                f"{i.rfq.reference} — {i.rfq.title}",
                _("deadline %(deadline)s") % {"deadline": format_deadline(i.rfq.quote_deadline)},
            )
            for i in invitations
        ],
        gettext_lazy("No open request waits for your quote."),
        more_url=reverse("procurement:portal"),
    )
    count, quotes = procurement_selectors.vendor_draft_quotes(
        user=user, limit=LIST_LENGTH, cap=COUNT_CAP
    )
    drafts = Block(
        "quotes-in-draft",
        gettext_lazy("Quotes in draft"),
        count,
        [
            Row(
                reverse("procurement:quote_detail", args=[q.pk]),
                f"{q.rfq.reference} — {q.rfq.title}",
                _("submit before %(deadline)s")
                % {"deadline": format_deadline(q.rfq.quote_deadline)},
            )
            for q in quotes
        ],
        gettext_lazy("No draft waiting: every quote you started is submitted."),
        more_url=reverse("procurement:portal"),
    )
    count, missing = pilot_selectors.pilots_with_missing_days(
        user=user, as_of=today, limit=LIST_LENGTH
    )
    missing_days = Block(
        "missing-days",
        gettext_lazy("Pilot days to enter"),
        count,
        [
            Row(
                reverse("pilots:kpi_entry", args=[m.pilot.pk]) + f"?day={m.first.isoformat()}",
                _pilot_text(m.pilot),
                ngettext(
                    "%(count)s day without KPIs, from %(date)s",
                    "%(count)s days without KPIs, from %(date)s",
                    m.count,
                )
                % {"count": m.count, "date": format_date(m.first)},
            )
            for m in missing
        ],
        gettext_lazy("Every pilot day up to yesterday has its KPIs."),
        more_url=reverse("pilots:vendor_pilot_list"),
    )
    count, contract_missing = contract_selectors.contracts_with_missing_days(
        user=user, as_of=today, limit=LIST_LENGTH
    )
    contract_days = Block(
        "contract-missing-days",
        gettext_lazy("Contract days to enter"),
        count,
        [
            Row(
                reverse("contracts:kpi_entry", args=[m.contract.pk])
                + f"?day={m.first.isoformat()}",
                f"{m.contract.vendor.name} — {m.contract.get_channel_display()}",
                ngettext(
                    "%(count)s day without KPIs, from %(date)s",
                    "%(count)s days without KPIs, from %(date)s",
                    m.count,
                )
                % {"count": m.count, "date": format_date(m.first)},
            )
            for m in contract_missing
        ],
        gettext_lazy("Every contract day up to yesterday has its KPIs."),
        more_url=reverse("contracts:contract_list"),
    )
    return [to_answer, drafts, missing_days, contract_days]


def _pilot_text(pilot) -> str:
    """Two pilots of one vendor and channel told apart by their dates."""
    return _("%(vendor)s — %(channel)s, %(start)s – %(end)s") % {
        "vendor": pilot.vendor.name,
        "channel": pilot.get_channel_display(),
        "start": format_date(pilot.start_date),
        "end": format_date(pilot.end_date),
    }


INTROS = {
    "procurement": gettext_lazy(
        "Quotes to review, deadlines coming up and vendors who have not answered yet."
    ),
    "manager": gettext_lazy("Decisions to take, scorecards coming and pilots that need attention."),
    "vendor": gettext_lazy("Requests to answer, drafts to submit and pilot days to enter."),
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    today = app_today()
    blocks: list[Block] = []
    if user.is_vendor:
        blocks = _vendor_blocks(user, now, today)
        intro = INTROS["vendor"]
    else:
        if user.is_procurement:
            blocks += _procurement_blocks(user, now)
        if user.is_manager:
            blocks += _manager_blocks(user, today)
        intro = INTROS["procurement" if user.is_procurement else "manager"]
    return render(request, "home.html", {"blocks": blocks, "intro": intro})
