"""Demo pilots for `seed_demo` (docs/api.md: "a pilot past day 60 with its daily KPIs").

1. From the awarded demo quote (else for the nearshore demo vendor): e-mail, 90 days, started
   70 days ago, daily KPIs for days 1–69 with three missing days and a few late ones.
2. A younger pilot: live chat, 30 days, started 10 days ago, days 1–10 entered.
3. The checkpoint sweep as of today, so the pilot past day 60 has its scorecards (and their
   e-mail has gone out) right after `make run`.

Idempotent: a pilot made before is found again (same vendor, channel and creator) and only
the days it still lacks are added, so running it twice adds nothing.
The figures vary like real days (seeded, so every run makes the same demo).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from common.emails import absolute_url
from kpis.days import app_today, kpi_day_errors
from kpis.rules import AHT, COST, CSAT, FCR, FRT, KPI_KEYS
from kpis.targets import DEFAULT_TARGETS, defaults_from_quote
from procurement.models import Vendor

from .evaluation import emails, sweep
from .models import KpiEntry, Pilot, Scorecard
from .presentation import verdict_label
from .services import pilot_create

NEARSHORE_VENDOR = "Lisbon Contact Partners"
CHAT_VENDOR = "Manila Care Services"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class DayProfile:
    """What a typical day of the channel looks like (docs/domain.md §5's five KPIs)."""

    tickets_per_weekday: int
    csat_response_rate: float
    csat_positive_rate: float
    frt_minutes: float
    frt_spread: float
    aht_minutes: float
    aht_spread: float
    fcr_rate: float
    cost_share_of_target: tuple[float, float]  # cost per ticket as a share of its target


EMAIL_DAY = DayProfile(24, 0.40, 0.88, 35, 6, 9.5, 0.7, 0.74, (0.86, 0.97))
CHAT_DAY = DayProfile(40, 0.30, 0.86, 1.4, 0.4, 11.5, 1.0, 0.72, (0.85, 0.98))


def _q(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _day_values(rng: random.Random, day: date, profile: DayProfile, cost_target: Decimal) -> dict:
    weekend = day.weekday() >= 5
    tickets = max(
        1, round(profile.tickets_per_weekday * (0.45 if weekend else 1.0) * rng.uniform(0.8, 1.2))
    )
    responses = round(
        tickets * rng.uniform(profile.csat_response_rate - 0.05, profile.csat_response_rate + 0.05)
    )
    positive = sum(rng.random() < profile.csat_positive_rate for _ in range(responses))
    resolved = sum(rng.random() < profile.fcr_rate for _ in range(tickets))
    cost_per_ticket = float(cost_target) * rng.uniform(*profile.cost_share_of_target)
    return {
        "tickets": tickets,
        "csat_responses": responses,
        "csat_positive": positive,
        "frt_minutes": _q(max(0.2, rng.gauss(profile.frt_minutes, profile.frt_spread))),
        "aht_minutes": _q(max(1.0, rng.gauss(profile.aht_minutes, profile.aht_spread))),
        "fcr_resolved": resolved,
        "cost": _q(tickets * cost_per_ticket),
        "qa_sampled": min(tickets, 1 if weekend else rng.choice((2, 3, 3))),
        "note": "",
    }


def _seed_entries(
    *,
    pilot: Pilot,
    days: range,
    missing: set[int],
    late: set[int],
    notes: dict[int, str],
    profile: DayProfile,
    vendor_user,
    today: date,
) -> int:
    have = set(KpiEntry.objects.filter(pilot=pilot).values_list("day", flat=True))
    rng = random.Random(f"vendorpilot-demo-{pilot.channel}")
    entries = []
    for n in days:
        day = pilot.start_date + timedelta(days=n - 1)
        values = _day_values(rng, day, profile, pilot.target_cost_per_ticket)  # draw every day
        if n in missing or day in have:
            continue
        values["note"] = notes.get(n, "")
        # The demo obeys the same rules as a vendor's entry.
        errors = kpi_day_errors(period=pilot, day=day, values=values, today=today)
        assert not errors, (day, errors)  # noqa: S101 - a broken demo must stop loudly
        entries.append(
            KpiEntry(pilot=pilot, day=day, entered_by=vendor_user, late=n in late, **values)
        )
    bulk_create_with_history(
        entries, KpiEntry, default_user=vendor_user, default_change_reason="demo"
    )
    return len(entries)


def _pilot(
    *, vendor, channel: str, start: date, length: int, targets: dict, quote, by
) -> tuple[Pilot, bool]:
    existing = (
        Pilot.objects.filter(vendor=vendor, channel=channel, created_by=by).order_by("id").first()
    )
    if existing is not None:
        return existing, False
    pilot = pilot_create(
        vendor=vendor,
        quote=quote,
        channel=channel,
        start_date=start,
        length_days=length,
        targets=targets,
        by=by,
    )
    return pilot, True


def _line(pilot: Pilot, created: bool, added: int, today: date) -> str:
    entries = KpiEntry.objects.filter(pilot=pilot).count()
    state = "created" if created else "already there"
    return (
        f"Pilot #{pilot.pk} ({state}): {pilot.vendor.name}, {pilot.get_channel_display()}, "
        f"day {pilot.day_on(today)} of {pilot.length_days}, {entries} daily entries "
        f"({added} added) — /pilots/{pilot.pk}/"
    )


def seed_pilots(cast: dict, procurement: dict) -> list[str]:
    today = app_today()
    buyer = cast["procurement"]
    lines = []
    with transaction.atomic():
        quote = procurement.get("awarded_quote")
        if quote is not None:
            vendor = quote.vendor
            targets = {**DEFAULT_TARGETS, **defaults_from_quote(quote, channel="email").targets}
        else:
            vendor = Vendor.objects.get(name=NEARSHORE_VENDOR)
            targets = dict(DEFAULT_TARGETS)
        # docs/domain.md §5 has no default for AHT and cost: the cost article's 10 minutes and a
        # nearshore €3.50 a ticket when the quote gives none.
        targets.setdefault(AHT, Decimal("10"))
        targets.setdefault(COST, Decimal("3.50"))
        vendor_user = cast.get(f"vendor:{vendor.name}") or vendor.users.first() or buyer
        email_pilot, created = _pilot(
            vendor=vendor,
            channel="email",
            start=today - timedelta(days=70),
            length=90,
            targets={key: targets[key] for key in KPI_KEYS},
            quote=quote,
            by=buyer,
        )
        added = _seed_entries(
            pilot=email_pilot,
            days=range(1, 70),
            missing={17, 38, 52},
            late={5, 23, 24, 44, 61},
            notes={12: "Newsletter sent: a busy morning.", 31: "Two agents ill; a backup covered."},
            profile=EMAIL_DAY,
            vendor_user=vendor_user,
            today=today,
        )
        lines.append(_line(email_pilot, created, added, today))

        chat_vendor = Vendor.objects.filter(name=CHAT_VENDOR).first() or vendor
        chat_user = cast.get(f"vendor:{chat_vendor.name}") or chat_vendor.users.first() or buyer
        chat_pilot, created = _pilot(
            vendor=chat_vendor,
            channel="chat",
            start=today - timedelta(days=10),
            length=30,
            targets={
                CSAT: Decimal("85"),
                FRT: Decimal("2"),
                AHT: Decimal("12"),
                FCR: Decimal("70"),
                COST: Decimal("1.80"),
            },  # fmt: skip
            quote=None,
            by=buyer,
        )
        added = _seed_entries(
            pilot=chat_pilot,
            days=range(1, 11),
            missing=set(),
            late={4},
            notes={},
            profile=CHAT_DAY,
            vendor_user=chat_user,
            today=today,
        )
        lines.append(_line(chat_pilot, created, added, today))
    with transaction.atomic():
        lines += seed_scorecards()
    return lines


def seed_scorecards() -> list[str]:
    """The checkpoint sweep as of today: the demo pilot past day 60 gets its scorecards, and
    their e-mail goes out in-process once the demo data is committed. Safe to run twice: the
    sweep makes nothing new and every e-mail is claimed once."""
    as_of = timezone.localdate()
    created = sweep.pilots_evaluate_due(as_of=as_of)
    made = {card.pk for card in created}
    to_queue = [card.pk for card in created] + [
        pk for pk in emails.scorecards_without_email() if pk not in made
    ]
    # Queued with the demo data; sent in-process, like `evaluate_pilots` (no worker is needed
    # to see the e-mail), once the demo data is committed.
    emails.scorecard_emails_enqueue(scorecard_ids=to_queue)
    transaction.on_commit(lambda: emails.scorecard_emails_send_now(scorecard_ids=[]))

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
            ngettext(
                "%(count)s scorecard made as of %(date)s; its e-mail is sent to the managers.",
                "%(count)s scorecards made as of %(date)s; their e-mail is sent to the managers.",
                len(created),
            )
            % {"count": len(created), "date": as_of.isoformat()}
        )
    return lines
