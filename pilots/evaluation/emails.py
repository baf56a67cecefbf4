"""The scorecard e-mail: one message per language among the recipients, plain text and
HTML, with the KPI trend drawn as a small inline PNG (a CID attachment: mail clients do not
render SVG, and no image is fetched from the internet).

Rendering goes through `common.emails.make_message("pilot-scorecard", …)`.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from email.mime.image import MIMEImage
from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from common.emails import absolute_url, make_message
from common.formats import format_decimal
from pilots import kpis
from pilots.models import Scorecard
from pilots.presentation import kpi_label, kpi_unit, verdict_label

from .scorecards import scorecard_is_decision, scorecard_missed, scorecard_rows
from .selectors import daily_entries, daily_series, scorecard_recipients

CHART_CID = "scorecard-trend"

# --- The trend chart (Pillow: fast, no plotting library) -------------------------------------

_WIDTH = 560
_PANEL = 62
_TOP = 8
_LEFT = 8
_RIGHT = 8
# A fixed palette keeps the PNG small (a few kilobytes) and quick to encode.
_PALETTE = {
    "white": (255, 255, 255),
    "text": (33, 37, 41),
    "muted": (108, 117, 125),
    "grid": (222, 226, 230),
    "daily": (158, 197, 254),
    "pooled": (13, 110, 253),
    "target": (220, 53, 69),
    "marker": (25, 135, 84),
}
_INDEX = {name: i for i, name in enumerate(_PALETTE)}


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


@lru_cache(maxsize=4096)
def _text_mask(text: str, size: int) -> Image.Image:
    """Text drawn once as a 1-bit mask: labels and targets repeat from chart to chart, and
    FreeType rendering is most of a chart's cost."""
    draft = ImageDraw.Draw(Image.new("1", (1, 1)))
    _left, _top, right, bottom = draft.textbbox((0, 0), text, font=_font(size))
    mask = Image.new("1", (right + 2, bottom + 2), 0)
    ImageDraw.Draw(mask).text((0, 0), text, fill=1, font=_font(size))
    return mask


def _text(image: Image.Image, xy: tuple[float, float], text: str, size: int, colour: str) -> int:
    mask = _text_mask(text, size)
    image.paste(_INDEX[colour], (int(xy[0]), int(xy[1])), mask)
    return mask.size[0]


@lru_cache(maxsize=16)
def _dash_mask(width: int) -> Image.Image:
    """A 6-on, 4-off dashed line as a 1-bit mask, drawn once per width."""
    mask = Image.new("1", (width, 1), 0)
    for x in range(width):
        if x % 10 < 6:
            mask.putpixel((x, 0), 1)
    return mask


def _dashed(image: Image.Image, y: float, x0: float, x1: float, colour: str) -> None:
    image.paste(_INDEX[colour], (int(x0), int(y)), _dash_mask(int(x1 - x0)))


def trend_chart_png(*, series: dict[str, list], targets: dict[str, float], days: int) -> bytes:
    """Five small panels, one per KPI: the daily value (light), the pooled value so far
    (bold, what a checkpoint judges) and the target (dashed red). Labels in the active
    language."""
    height = _TOP + _PANEL * len(kpis.KPI_KEYS) + 18
    image = Image.new("P", (_WIDTH, height), _INDEX["white"])
    image.putpalette([c for rgb in _PALETTE.values() for c in rgb])
    draw = ImageDraw.Draw(image)
    plot_left, plot_right = _LEFT + 4, _WIDTH - _RIGHT - 84

    def x_of(day: float) -> float:
        return plot_left + (day - 1) / max(days - 1, 1) * (plot_right - plot_left)

    for index, key in enumerate(kpis.KPI_KEYS):
        top = _TOP + index * _PANEL
        plot_top, plot_bottom = top + 16, top + _PANEL - 8
        points = series.get(key, [])
        values = [float(v) for _day, d, p in points for v in (d, p) if v is not None]
        target = float(targets[key])
        low = min([*values, target]) if values else target * 0.8
        high = max([*values, target]) if values else target * 1.2
        if high - low < 1e-9:
            low, high = low - 1, high + 1
        pad = (high - low) * 0.1
        low, high = low - pad, high + pad

        def y_of(value: float, low=low, high=high, plot_top=plot_top, plot_bottom=plot_bottom):
            return plot_bottom - (value - low) / (high - low) * (plot_bottom - plot_top)

        unit = "EUR" if kpi_unit(key) == "€" else kpi_unit(key)  # the built-in font has no €
        _text(image, (_LEFT, top), f"{kpi_label(key)} ({unit})", 12, "text")
        draw.rectangle(
            [plot_left, plot_top, plot_right, plot_bottom], outline=_INDEX["grid"], width=1
        )
        _dashed(image, y_of(target), plot_left, plot_right, "target")
        target_label = _("target %(value)s") % {"value": _short(target)}
        _text(image, (plot_right + 6, y_of(target) - 6), target_label, 10, "target")
        for which, colour, width in ((1, "daily", 1), (2, "pooled", 2)):
            line = [(x_of(p[0]), y_of(float(p[which]))) for p in points if p[which] is not None]
            if len(line) > 1:
                draw.line(line, fill=_INDEX[colour], width=width)
            elif line:
                x, y = line[0]
                draw.ellipse([x - 2, y - 2, x + 2, y + 2], fill=_INDEX[colour])
        pooled = [p[2] for p in points if p[2] is not None]
        if pooled:
            last = float(pooled[-1])
            y = y_of(last) - 6 if abs(y_of(last) - y_of(target)) > 11 else top
            _text(image, (plot_right + 6, y), _short(last), 10, "pooled")
    bottom = _TOP + _PANEL * len(kpis.KPI_KEYS)
    first, last = _("day %(day)s") % {"day": 1}, _("day %(day)s") % {"day": days}
    _text(image, (plot_left, bottom), first, 10, "muted")
    _text(image, (plot_right - _text_mask(last, 10).size[0], bottom), last, 10, "muted")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=3)
    return buffer.getvalue()


def _short(value: float) -> str:
    return format_decimal(value, 1 if abs(value) >= 10 else 2)


# --- The messages -----------------------------------------------------------------------------


def scorecard_url(scorecard: Scorecard) -> str:
    return absolute_url(
        reverse("pilots:scorecard_detail", args=[scorecard.pilot_id, scorecard.checkpoint_day])
    )


def scorecard_messages(scorecard: Scorecard) -> list[EmailMultiAlternatives]:
    """One message per language among the recipients (STYLE.md: one e-mail module)."""
    pilot = scorecard.pilot
    by_language: dict[str, list[str]] = defaultdict(list)
    for user in scorecard_recipients(pilot=pilot):
        language = user.language or settings.LANGUAGE_CODE
        by_language[language].append(user.email)
    if not by_language:
        return []
    entries = daily_entries(
        pilot=pilot, date_from=scorecard.window_from, date_to=scorecard.window_to
    )
    series = daily_series(entries, period=pilot)
    return [
        scorecard_message(scorecard, to=emails, language=language, series=series)
        for language, emails in sorted(by_language.items())
    ]


def scorecard_message(
    scorecard: Scorecard, *, to: Sequence[str], language: str, series: dict[str, list]
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
            "url": scorecard_url(scorecard),
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
