"""The stored scorecard PDF, found without drawing the page (issue 22).

A PDF is rendered once (WeasyPrint, about a second) and stored under a *version*: a digest of
everything the printed page is made of — the scorecard, the pilot's row (decision, exit,
status, targets, dates: every field, so a queryset `update()` counts too), its quote and RFQ
with the scope, the vendor's name, the names of who decided, the pilot's list of scorecards,
the last change of its KPI entries (the charts), the reader's language and audience (a vendor
never sees the in-house figures), and the code and words that draw it (templates, catalogues,
the evaluation and costing modules, read once per process). Serving a stored PDF costs a few
short queries and no rendering; any change to any of these makes a new version, so a stored
PDF is served only while a new one would say the same.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import get_language

from pilots.models import Scorecard
from pilots.selectors import kpi_last_change

# What draws the printed page: a change to any of these (a deploy) is a new version.
SOURCES = (
    "pilots/evaluation/*.py",
    "pilots/presentation.py",
    "pilots/templates/pilots/scorecard_pdf.html",
    "pilots/templates/pilots/scorecard_content.html",
    "pilots/templates/pilots/_verdict.html",
    "costing/engine/*.py",
    "kpis/*.py",
    "common/charts.py",
    "common/formats.py",
    "procurement/checks.py",
    "locale/*/LC_MESSAGES/django.mo",
    "*/locale/*/LC_MESSAGES/django.mo",
)


@cache
def code_version() -> str:
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    for pattern in SOURCES:
        for path in sorted(root.glob(pattern)):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _row(instance) -> tuple:
    if instance is None:
        return ()
    return tuple(getattr(instance, f.attname) for f in instance._meta.concrete_fields)


def pdf_version(scorecard: Scorecard, *, user) -> str:
    """The digest the stored PDF is kept under (`ScorecardPdf.html_sha256`). The pilot comes
    with its vendor, quote, RFQ and channels (`get_scorecard_for_user`)."""
    pilot = scorecard.pilot
    quote = pilot.quote
    rfq = quote.rfq if quote is not None else None
    deciders = [pk for pk in (pilot.decided_by_id, pilot.exit_evaluated_by_id) if pk]
    names = (
        sorted(
            get_user_model().objects.filter(pk__in=deciders).values_list("pk", "full_name", "email")
        )
        if deciders
        else []
    )
    scorecards = list(
        Scorecard.objects.filter(pilot=pilot)
        .order_by("checkpoint_day")
        .values_list("pk", "checkpoint_day", "verdict")
    )
    parts = (
        code_version(),
        get_language(),
        "vendor" if user.is_vendor else "internal",
        user.is_manager,
        _row(scorecard),
        _row(pilot),
        _row(pilot.vendor),
        _row(quote),
        _row(rfq),
        [_row(channel) for channel in rfq.channels.all()] if rfq is not None else [],
        names,
        scorecards,
        kpi_last_change(pilot_id=pilot.pk),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()
