"""The scorecard e-mail: one message per recipient in their language (queued once per
scorecard and recipient in the outbox, `common.outbox`), plain text and HTML, with the KPI trend drawn as a small inline PNG by `common.charts` (a CID attachment: mail clients do not
render SVG, and no image is fetched from the internet).

The chart is drawn once per scorecard and language and stored (`ScorecardChart`): the outbox
rows name it (a stored attachment, `CHART_STORE`) instead of carrying a copy each, and the
sender reads a batch's charts in one query, so two recipients of one language, a retry or a
rerun never draw it again.

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
from django.db import transaction
from django.db.models import Case, DateTimeField, Exists, OuterRef, Value, When
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
from pilots.models import Alert, AlertKind, Scorecard, ScorecardChart
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
CHART_STORE = "pilots.scorecard_chart"  # the outbox's name for the stored charts

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
    """The whole message, its chart drawn and attached (the outbox path attaches the stored
    chart instead: `scorecard_emails_enqueue`)."""
    message, png = _render(scorecard, to=to, language=language, series=series, url=url)
    image = MIMEImage(png, "png")
    image.add_header("Content-ID", f"<{CHART_CID}>")
    image.add_header("Content-Disposition", "inline", filename="trend.png")
    message.attach(image)
    return message


def _render(
    scorecard: Scorecard,
    *,
    to: Sequence[str],
    language: str,
    series: dict[str, list],
    url: str,
    chart: bool = True,
) -> tuple[EmailMultiAlternatives, bytes | None]:
    """The message without its image, and the chart (when `chart`) drawn in `language`."""
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
        png = _chart_png(scorecard, rows, series) if chart else None
    message = make_message("pilot-scorecard", to=to, context=context, language=language)
    # HTML and its inline image belong together: multipart/related (RFC 2387).
    message.mixed_subtype = "related"
    return message, png


def _chart_png(scorecard: Scorecard, rows: list, series: dict[str, list]) -> bytes:
    """In the active language."""
    return trend_chart_png(
        series=series,
        targets={row.key: row.target for row in rows},
        days=scorecard.checkpoint_day,
    )


def chart_attachment(scorecard_id: int, language: str) -> outbox.StoredAttachment:
    """The stored chart of a scorecard in a language, as the outbox attaches it (inline)."""
    return outbox.StoredAttachment(
        store=CHART_STORE,
        key=f"{scorecard_id}:{language}",
        filename="trend.png",
        mimetype="image/png",
        content_id=CHART_CID,
    )


class _Charts:
    """The charts of a batch of scorecards: which are stored already (read once, the keys
    only, when the first message is rendered) and those this call draws (saved with its
    outbox rows)."""

    def __init__(self, scorecard_ids: Sequence[int]) -> None:
        self.scorecard_ids = list(scorecard_ids)
        self.stored: set[tuple[int, str]] | None = None
        self.drawn: dict[tuple[int, str], bytes] = {}

    def needed(self, scorecard_id: int, language: str) -> bool:
        if self.stored is None:
            self.stored = set(
                ScorecardChart.objects.filter(scorecard_id__in=self.scorecard_ids).values_list(
                    "scorecard_id", "language"
                )
            )
        key = (scorecard_id, language)
        return key not in self.stored and key not in self.drawn

    def add(self, scorecard_id: int, language: str, png: bytes) -> None:
        self.drawn[(scorecard_id, language)] = png

    def save(self) -> None:
        """One INSERT; a chart another job stored meanwhile stays (the same drawing)."""
        ScorecardChart.objects.bulk_create(
            [
                ScorecardChart(scorecard_id=scorecard_id, language=language, png=png)
                for (scorecard_id, language), png in self.drawn.items()
            ],
            ignore_conflicts=True,
            batch_size=100,
        )
        self.drawn.clear()


def _stored_charts(keys: list[str]) -> dict[str, bytes]:
    """The outbox's resolver: the charts of a batch in one query ("<scorecard id>:<language>"
    → PNG). A chart missing (never stored) is drawn and stored now."""
    wanted: dict[tuple[int, str], str] = {}
    for key in keys:
        scorecard_id, _sep, language = key.partition(":")
        if scorecard_id.isdigit() and language:
            wanted[(int(scorecard_id), language)] = key
    found: dict[str, bytes] = {}
    rows = ScorecardChart.objects.filter(
        scorecard_id__in={scorecard_id for scorecard_id, _language in wanted}
    ).values_list("scorecard_id", "language", "png")
    for scorecard_id, language, png in rows:
        if (scorecard_id, language) in wanted:
            found[wanted[(scorecard_id, language)]] = bytes(png)
    missing = [pair for pair, key in wanted.items() if key not in found]
    if missing:
        for pair, png in _draw_charts(missing).items():
            found[wanted[pair]] = png
    return found


def _draw_charts(pairs: Sequence[tuple[int, str]]) -> dict[tuple[int, str], bytes]:
    """Draw and store the charts of these (scorecard, language) pairs (a row queued before the
    charts were stored, a chart deleted): the rare path."""
    scorecards = {
        c.pk: c
        for c in Scorecard.objects.select_related("pilot").filter(
            pk__in={scorecard_id for scorecard_id, _language in pairs}
        )
    }
    entries = daily_entries_by_scorecard(list(scorecards.values()))
    charts = _Charts(list(scorecards))
    for scorecard_id, language in pairs:
        scorecard = scorecards.get(scorecard_id)
        if scorecard is None:
            continue  # deleted: its e-mail waits, then fails for good
        series = daily_series(entries[scorecard.pk], period=scorecard.pilot)
        with translation.override(language):
            png = _chart_png(scorecard, scorecard_rows(scorecard), series)
        charts.add(scorecard_id, language, png)
    drawn = dict(charts.drawn)
    charts.save()
    return drawn


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
    charts = _Charts([c.pk for c in scorecards])
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
        render = _per_language(scorecard, entries[scorecard.pk], charts)
        drafts += [
            outbox.Draft(
                cause=f"scorecard:{scorecard.pk}",
                recipient=user,
                render=partial(render, user),
                object_id=scorecard.pk,
                attachments=(chart_attachment(scorecard.pk, _language(user)),),
            )
            for user in users
        ]
    # The rows and the charts they name commit together.
    with transaction.atomic():
        rows = outbox.enqueue(KIND, drafts)
        charts.save()
    return rows


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


def _language(user) -> str:
    return user.language or settings.LANGUAGE_CODE


def _per_language(scorecard: Scorecard, entries: list, charts: _Charts):
    """A renderer that renders the message once per language; the chart is drawn only when
    none is stored for the scorecard and language (it is attached by reference)."""
    cache: dict[str, EmailMultiAlternatives] = {}
    series = daily_series(entries, period=scorecard.pilot)
    url = scorecard_url(scorecard)

    def render(user, *, unsubscribe_url=None) -> EmailMultiAlternatives:
        language = _language(user)
        if language not in cache:
            message, png = _render(
                scorecard,
                to=[user.email],
                language=language,
                series=series,
                url=url,
                chart=charts.needed(scorecard.pk, language),
            )
            if png is not None:
                charts.add(scorecard.pk, language, png)
            cache[language] = message
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


def _settled(settled: list[outbox.Settled]) -> None:
    """Every message of these scorecards is sent or failed for good: `emailed_at` is the last
    accepted send (the API's `emailed_at`); the `email_failed` alert closes once all went.
    Set-based: three queries at most for a batch, whatever its scorecards."""
    cards = {
        pk: (pilot_id, str(day))
        for pk, pilot_id, day in Scorecard.objects.filter(
            pk__in=[s.object_id for s in settled]
        ).values_list("pk", "pilot_id", "checkpoint_day")
    }
    sent = [s for s in settled if s.sent and s.object_id in cards]
    if sent:
        Scorecard.objects.filter(pk__in=[s.object_id for s in sent], emailed_at=None).update(
            emailed_at=Case(
                *[When(pk=s.object_id, then=Value(s.last_sent_at)) for s in sent],
                output_field=DateTimeField(),
            )
        )
    done = {cards[s.object_id] for s in settled if not s.failed and s.object_id in cards}
    if not done:
        return
    # Such alerts are rare: find the open ones first, close those of these checkpoints.
    open_alerts = Alert.objects.filter(
        closed_at=None,
        kind=AlertKind.EMAIL_FAILED,
        pilot_id__in={pilot_id for pilot_id, _key in done},
    ).values_list("pilot_id", "key")
    by_key: dict[str, list[int]] = defaultdict(list)
    for pilot_id, key in open_alerts:
        if (pilot_id, key) in done:
            by_key[key].append(pilot_id)
    for key, pilot_ids in by_key.items():
        alerts_close(pilot_ids=pilot_ids, kind=AlertKind.EMAIL_FAILED, key=key)


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


outbox.on_settled_many(KIND, _settled)
outbox.on_attempt_failed(KIND, _attempt_failed)
outbox.on_stored_content(CHART_STORE, _stored_charts)
