"""The scorecard e-mail: one message per language among the recipients, plain text and
HTML, with the KPI trend drawn as a small inline PNG by `common.charts` (a CID attachment: mail clients do not
render SVG, and no image is fetched from the internet).

Rendering goes through `common.emails.make_message("pilot-scorecard", …)`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from common.charts import Chart, HLine, Series, charts_png
from common.emails import absolute_url, make_message
from common.formats import format_decimal
from kpis.presentation import kpi_label, kpi_unit_or_points
from kpis.selectors import daily_series
from pilots.models import Scorecard
from pilots.presentation import verdict_label

from .scorecards import scorecard_is_decision, scorecard_missed, scorecard_rows
from .selectors import daily_entries, scorecard_recipients

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
    """One message per language among the recipients (STYLE.md: one e-mail module), its
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
