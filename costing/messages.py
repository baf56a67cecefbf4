"""Human, translated text for what the pure engine reports as codes or plain English.

The engine stays free of Django (docs/style.md), so its `EngineInputError` messages, its
recommendation codes and its rate-flag codes are turned into translatable text here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.formats import format_decimal
from costing.engine import (
    MAX_AGENTS,
    TOO_LARGE_FOR_ONE_QUEUE,
    EngineInputError,
)
from procurement.checks import EXCLUDE as _EXCLUDE
from procurement.checks import RATE_FLAG_LABELS
from procurement.checks import REASON_LABELS as _REASON_LABELS
from procurement.checks import REASON_MUST_HAVE_OPEN as _REASON_MUST_HAVE_OPEN
from procurement.checks import RECOMMENDATION_LABELS as _RECOMMENDATION_LABELS

_EXACT: dict[str, Promise] = {
    "must be a number": _("Enter a number."),
    "must be a finite number": _("Enter a finite number."),
    "must be greater than 0": _("Must be greater than 0."),
    "must not be negative": _("Must not be negative."),
    "must be between 0 and 100": _("Must be between 0 and 100."),
    "must be a whole number": _("Enter a whole number."),
    "a week has only 168 hours": _("A week has only 168 hours."),
    "required for hourly pricing": _("Required for hourly pricing."),
    "required for per-ticket pricing": _("Required for per-ticket pricing."),
    "required for subscription pricing": _("Required for subscription pricing."),
    "required for mixed pricing": _("Required for mixed pricing."),
    "mixed pricing needs an hourly or a per-ticket rate": _(
        "Mixed pricing needs an hourly or a per-ticket rate."
    ),
    "mixed pricing takes an hourly or a per-ticket rate, not both": _(
        "Mixed pricing takes an hourly or a per-ticket rate, not both."
    ),
    "must be greater than the traffic in Erlangs": _(
        "Must be greater than the traffic in Erlangs."
    ),
    "must be below 100: unreachable": _("Must be below 100%: 100% can never be reached."),
    "must be below 100": _("Must be below 100."),
    "the RFQ has no channel with a volume in scope": _(
        "The RFQ has no channel with a volume in its scope."
    ),
    "the channels' volume must be greater than 0": _(
        "The channels' volume must be greater than 0."
    ),
    "the quote names no pricing model": _("The quote names no pricing model."),
    # Live channels and pricing (docs/domain.md §1 "Live channels", §2).
    "open hours staff a live channel: chat or phone": _(
        "Open hours staff a live channel: chat or phone."
    ),
    "only for a live channel: chat or phone": _("Only for a live channel: chat or phone."),
    "required for a live channel": _("Required for a live channel (chat or phone)."),
    "must be left out for a live channel: its open hours staff it": _(
        "Leave this out for a live channel: its open hours staff it."
    ),
    "must be above 0 and below 100": _("Must be above 0 and below 100."),
    "must be above 0 and at most 100": _("Must be above 0 and at most 100."),
    "required to price the onboarding hours when there is no hourly rate": _(
        "Required to price the onboarding hours when there is no hourly rate."
    ),
    "must not be empty": _("Must not be empty."),
    "leaves no handled contacts to divide the cost by": _(
        "Leaves no handled contacts to divide the cost by."
    ),
    "must not exceed the checklist's points": _("Must not exceed the checklist's points."),
    "each rating is 1–5": _("Each rating is 1 to 5."),
}

_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"must be at least (?P<minimum>-?\d+)"),
        lambda m: gettext("Must be at least %(minimum)s.") % m.groupdict(),
    ),
    (
        re.compile(r"must be between (?P<low>-?\d+) and (?P<high>-?\d+)"),
        lambda m: gettext("Must be between %(low)s and %(high)s.") % m.groupdict(),
    ),
    (
        re.compile(r"must be one of (?P<choices>.+)"),
        lambda m: gettext("Must be one of: %(choices)s.") % m.groupdict(),
    ),
    (
        re.compile(r"unreachable with at most (?P<agents>\d+) agents"),
        lambda m: gettext("Unreachable with at most %(agents)s agents.") % m.groupdict(),
    ),
    (
        re.compile(r"unreachable with at most (?P<seats>\d+) seats an hour"),
        lambda m: gettext("Unreachable with at most %(seats)s seats an hour.") % m.groupdict(),
    ),
    (
        re.compile(r"needs one weight per open hour: (?P<hours>\d+)"),
        lambda m: gettext("Needs one weight per open hour: %(hours)s.") % m.groupdict(),
    ),
    (
        re.compile(r"must be at most the term: (?P<months>\d+)"),
        lambda m: gettext("Must be at most the term: %(months)s months.") % m.groupdict(),
    ),
    (
        re.compile(r"must add up to 100, not (?P<total>-?\d+)"),
        lambda m: gettext("The weights must add up to 100, not %(total)s.") % m.groupdict(),
    ),
)


def engine_error_text(exc: EngineInputError) -> str:
    """The engine's message in the active language (the raw text when it is unknown)."""
    if exc.message == TOO_LARGE_FOR_ONE_QUEUE:
        return gettext(
            "Too large for one queue: it needs more than %(agents)s agents at once. Split it "
            "(by language, product or region) and staff each part as its own queue."
        ) % {"agents": format_decimal(MAX_AGENTS, 0)}
    known = _EXACT.get(exc.message)
    if known is not None:
        return str(known)
    for pattern, render in _PATTERNS:
        match = pattern.fullmatch(exc.message)
        if match:
            return render(match)
    return exc.message


# Decimal overflow is out of reach for real input but not for 1e-999998 FTE: the answer to
# such input is a clear 422 or form error, never a 500.
OUT_OF_RANGE = _("The numbers are too large or too small to compute. Check the values entered.")

# docs/domain.md §4: a quote that leaves a must-have open is excluded whatever its price. The
# verdict's words live with procurement's checks (the award memo shows them too).
EXCLUDE = _EXCLUDE
REASON_MUST_HAVE_OPEN = _REASON_MUST_HAVE_OPEN
RECOMMENDATION_LABELS: dict[str, Promise] = _RECOMMENDATION_LABELS
REASON_LABELS: dict[str, Promise] = _REASON_LABELS

RATE_FLAG_TEXT: dict[str, Promise] = RATE_FLAG_LABELS

RATE_NAMES: dict[str, Promise] = {
    "hourly_rate": _("Hourly rate"),
    "per_ticket_rate": _("Rate per ticket"),
}

# DEFAULT_SCENARIOS' keys as people read them (a custom scenario keeps its own name).
SCENARIO_LABELS: dict[str, Promise] = {
    "pessimistic": _("Pessimistic"),
    "realistic": _("Realistic"),
    "optimistic": _("Optimistic"),
}


def scenario_label(name: str, factors: object | None = None) -> str:
    """Issue 20: a scenario's label says what it assumes: "Pessimistic (volume ×1.2, AHT
    ×1.1)". `factors` is a `ScenarioFactors` (volume, aht); without it, the plain name."""
    label = str(SCENARIO_LABELS.get(name, name))
    if factors is None:
        return label
    return gettext("%(scenario)s (volume ×%(volume)s, AHT ×%(aht)s)") % {
        "scenario": label,
        "volume": format_decimal(factors.volume, _places(factors.volume)),  # type: ignore[attr-defined]
        "aht": format_decimal(factors.aht, _places(factors.aht)),  # type: ignore[attr-defined]
    }


def _places(value) -> int:
    # ×1.2, ×1, ×0.85: as many decimals as the factor needs (at most 2).
    for places in (0, 1):
        if value == round(value, places):
            return places
    return 2
