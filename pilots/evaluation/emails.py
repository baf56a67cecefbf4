"""The scorecard e-mail: one message per recipient in their language (queued once per
scorecard and recipient in the outbox, `common.outbox`), plain text and HTML, with the KPI trend drawn as a small inline PNG by `common.charts` (a CID attachment: mail clients do not
render SVG, and no image is fetched from the internet).

Rendering goes through `common.emails.make_message("pilot-scorecard", …)`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from email.mime.image import MIMEImage
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common import outbox
from common.charts import Chart, HLine, Series, charts_png
from common.emails import absolute_url, make_message
from common.formats import format_decimal
from common.models import OutboxMessage
from kpis.presentation import kpi_label, kpi_unit_or_points
from kpis.selectors import daily_series
from pilots.models import AlertKind, Scorecard
from pilots.presentation import verdict_label

from .alerts import alert_open, alerts_close
from .scorecards import scorecard_is_decision, scorecard_missed, scorecard_rows
from .selectors import (
    daily_entries,
    daily_entries_by_scorecard,
    scorecard_recipients,
    scorecard_recipients_by_pilot,
)

CHART_CID = "scorecard-trend"

# --- The trend chart: the same renderer as the pages, drawn as PNG ---------------------------

_WIDTH = 560


def trend_chart_png(*, series: dict[str, list], targets: dict[str, float], days: int) -> bytes:
    """One small chart per KPI: the daily value (light), the pooled value so far (bold, what a
    checkpoint judges) and the target (dashed red). Labels in the active language."""
    charts = [
        Chart(
            title=f"{kpi_label(key)} ({kpi_unit_or_points(key)})",
            series=[
                Series(
                    _("daily"), [(d, v) for d, v, _p in series.get(key, [])], "#9ec5fe", width=1
                ),
                Series(_("pooled so far"), [(d, p) for d, _v, p in series.get(key, [])], "#0d6efd"),
            ],
            hlines=[HLine(_("target %(value)s") % {"value": _short(targets[key])}, targets[key])],
            x_label=_("pilot day"),
            x_span=(1, days),
            width=_WIDTH,
            height=190,
        )
        for key in targets  # the five and the tracked extras
    ]
    return charts_png(charts)


def _short(value: float) -> str:
    return format_decimal(value, 1 if abs(value) >= 10 else 2)


# --- The messages -----------------------------------------------------------------------------


def scorecard_url(scorecard: Scorecard) -> str:
    return absolute_url(
        reverse("pilots:scorecard_detail", args=[scorecard.pilot_id, scorecard.checkpoint_day])
    )


def scorecard_messages(
    scorecard: Scorecard, *, recipients: Sequence | None = None, entries: list | None = None
) -> list[EmailMultiAlternatives]:
    """One message per language among the recipients (docs/style.md: one e-mail module), its
    chart drawn once per language. `recipients` and `entries` (the window's days, oldest
    first): resolved already for a batch (`scorecard_recipients_by_pilot`,
    `daily_entries_by_scorecard`)."""
    pilot = scorecard.pilot
    if recipients is None:
        recipients = scorecard_recipients(pilot=pilot)
    by_language: dict[str, list[str]] = defaultdict(list)
    for user in recipients:
        language = user.language or settings.LANGUAGE_CODE
        by_language[language].append(user.email)
    if not by_language:
        return []
    if entries is None:
        entries = daily_entries(
            pilot=pilot, date_from=scorecard.window_from, date_to=scorecard.window_to
        )
    series = daily_series(entries, period=pilot)
    url = scorecard_url(scorecard)
    return [
        scorecard_message(scorecard, to=emails, language=language, series=series, url=url)
        for language, emails in sorted(by_language.items())
    ]


def scorecard_message(
    scorecard: Scorecard,
    *,
    to: Sequence[str],
    language: str,
    series: dict[str, list],
    url: str,
) -> EmailMultiAlternatives:
    pilot = scorecard.pilot
    with translation.override(language):
        rows = scorecard_rows(scorecard)
        context = {
            "scorecard": scorecard,
            "pilot": pilot,
            "vendor": pilot.vendor,
            "rows": rows,
            "missed": scorecard_missed(scorecard),
            "is_decision": scorecard_is_decision(scorecard),
            "verdict_label": verdict_label(scorecard.verdict),
            "url": url,
            # The call to action: the managers record their decision on the page.
            "awaiting_decision": scorecard_is_decision(scorecard) and not pilot.decision,
            "decision_url": url + "#decision",
            "chart_cid": CHART_CID,
        }
        png = trend_chart_png(
            series=series,
            targets={row.key: row.target for row in rows},
            days=scorecard.checkpoint_day,
        )
    message = make_message("pilot-scorecard", to=to, context=context, language=language)
    # HTML and its inline image belong together: multipart/related (RFC 2387).
    message.mixed_subtype = "related"
    image = MIMEImage(png, "png")
    image.add_header("Content-ID", f"<{CHART_CID}>")
    image.add_header("Content-Disposition", "inline", filename="trend.png")
    message.attach(image)
    return message


# --- Through the outbox (common.outbox): one message per recipient, each once -----------------

KIND = "pilot_scorecard"
# Scorecards whose e-mails were never queued (the broker was down, a worker died before it
# queued them) are queued by the daily sweep for this long.
PENDING_EMAIL_DAYS = 14
# Scorecards queued and sent together by `scorecard_emails_send_now`.
SEND_NOW_CHUNK = 100


def scorecard_emails_enqueue(*, scorecard_ids: Sequence[int]) -> list[OutboxMessage]:
    """Queue each scorecard's e-mail for each recipient (once per scorecard and recipient),
    the recipients and days resolved once for the batch, the chart drawn once per language.
    A scorecard without recipients raises the `email_failed` alert."""
    scorecards = list(
        Scorecard.objects.select_related("pilot__vendor", "pilot__quote__rfq__owner")
        .filter(pk__in=list(scorecard_ids))
        .order_by("pk")
    )
    recipients = scorecard_recipients_by_pilot({c.pilot_id: c.pilot for c in scorecards}.values())
    entries = daily_entries_by_scorecard(scorecards)
    drafts = []
    for scorecard in scorecards:
        users = recipients[scorecard.pilot_id]
        if not users:
            alert_open(
                pilot_id=scorecard.pilot_id,
                kind=AlertKind.EMAIL_FAILED,
                key=str(scorecard.checkpoint_day),
                params={"attempts": 0, "error": _("nobody to e-mail: no active manager")},
            )
            continue
        render = _per_language(scorecard, entries[scorecard.pk])
        drafts += [
            outbox.Draft(
                cause=f"scorecard:{scorecard.pk}",
                recipient=user,
                render=partial(render, user),
                object_id=scorecard.pk,
            )
            for user in users
        ]
    return outbox.enqueue(KIND, drafts)


def scorecard_emails_send_now(*, scorecard_ids: Sequence[int]) -> list[OutboxMessage]:
    """Queue and send in this process (the command, the demo: no worker needed); return the
    messages sent — these and any earlier scorecard e-mail due again. A long list (a sweep
    after an outage) goes in chunks: queued, then sent, chunk after chunk, so no more than a
    chunk's messages are rendered and held at once."""
    ids = list(scorecard_ids)
    sent: list[OutboxMessage] = []
    for start in range(0, max(len(ids), 1), SEND_NOW_CHUNK):
        scorecard_emails_enqueue(scorecard_ids=ids[start : start + SEND_NOW_CHUNK])
        sent += outbox.send_due(kinds=[KIND])
    return sent


def _per_language(scorecard: Scorecard, entries: list):
    """A renderer that draws the message (and its chart) once per language."""
    cache: dict[str, EmailMultiAlternatives] = {}
    series = daily_series(entries, period=scorecard.pilot)
    url = scorecard_url(scorecard)

    def render(user, *, unsubscribe_url=None) -> EmailMultiAlternatives:
        language = user.language or settings.LANGUAGE_CODE
        if language not in cache:
            cache[language] = scorecard_message(
                scorecard, to=[user.email], language=language, series=series, url=url
            )
        return cache[language]

    return render


def scorecards_without_email(*, now=None) -> list[int]:
    """Scorecards of the last two weeks whose e-mail was never queued."""
    now = now or timezone.now()
    queued = OutboxMessage.objects.filter(kind=KIND, object_id=OuterRef("pk"))
    return list(
        Scorecard.objects.filter(
            emailed_at=None, created_at__gte=now - timedelta(days=PENDING_EMAIL_DAYS)
        )
        .filter(~Exists(queued))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _settled(settled: outbox.Settled) -> None:
    """Every message of a scorecard is sent or failed for good: `emailed_at` is the last
    accepted send (the API's `emailed_at`); the `email_failed` alert closes once all went."""
    card = Scorecard.objects.filter(pk=settled.object_id).values("pilot_id", "checkpoint_day")
    card = card.first()
    if card is None:
        return
    if settled.sent:
        Scorecard.objects.filter(pk=settled.object_id, emailed_at=None).update(
            emailed_at=settled.last_sent_at
        )
    if not settled.failed:
        alerts_close(
            pilot_ids=[card["pilot_id"]],
            kind=AlertKind.EMAIL_FAILED,
            key=str(card["checkpoint_day"]),
        )


def _attempt_failed(row: OutboxMessage, error: str) -> None:
    """A recipient refused for good, or every retry spent: the managers see it as an alert."""
    if row.failed_at is None:
        return
    card = Scorecard.objects.filter(pk=row.object_id).values("pilot_id", "checkpoint_day").first()
    if card is not None:
        alert_open(
            pilot_id=card["pilot_id"],
            kind=AlertKind.EMAIL_FAILED,
            key=str(card["checkpoint_day"]),
            params={"attempts": row.attempts, "error": f"{row.to_email}: {error}"[:200]},
        )


outbox.on_settled(KIND, _settled)
outbox.on_attempt_failed(KIND, _attempt_failed)
