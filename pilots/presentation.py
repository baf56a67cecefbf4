"""How verdicts and statuses are named and coloured: the one place for the words and badge
colours of pilots/ (pages, PDF, e-mails, alerts). KPI words and units: `kpis.presentation`."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kpis.presentation import kpi_label

from .models import PilotStatus, Verdict

# --- Verdicts -------------------------------------------------------------------------------

# Bootstrap colour of each verdict (badge and alert box); the e-mail's inline colours match.
VERDICT_COLOURS = {
    Verdict.SCALE_UP: "success",
    Verdict.STOP: "danger",
    Verdict.INSUFFICIENT_DATA: "warning",
}
VERDICT_EMAIL_STYLES = {
    "success": "background:#d1e7dd; color:#0f5132;",
    "danger": "background:#f8d7da; color:#842029;",
    "warning": "background:#fff3cd; color:#664d03;",
}


def verdict_label(code: str | None) -> str:
    if not code:
        return ""
    return str(Verdict(code).label)


VERDICT_REASONS = {
    Verdict.SCALE_UP: _("at least 4 of the 5 KPIs are within target: scale up in phases."),
    Verdict.STOP: _("fewer than 4 of the 5 KPIs are within target: stop and analyse per KPI."),
    Verdict.INSUFFICIENT_DATA: _(
        # xgettext:no-python-format
        "less than 80% of the days have an entry: the KPIs cannot be judged."
    ),
}


def verdict_reason(code: str | None) -> str:
    return str(VERDICT_REASONS[code]) if code else ""


def scorecard_verdict_reason(scorecard) -> str:
    """The verdict's reason; a stop forced by a missed must-meet KPI says so (docs/domain.md §5)."""
    missed_must = [
        item["kpi"] for item in (scorecard.details or {}).get("missed", []) if item.get("must_meet")
    ]
    if scorecard.verdict == Verdict.STOP and missed_must:
        return gettext(
            "a must-meet KPI was missed (%(kpis)s): stop and analyse per KPI, whatever the count."
        ) % {"kpis": ", ".join(kpi_label(key) for key in missed_must)}
    return verdict_reason(scorecard.verdict)


def projection_label(verdict: str | None, *, complete: bool) -> str:
    """The dashboard's projected decision: "Would scale up" until the window is over."""
    if verdict == Verdict.SCALE_UP:
        return str(_("Scale up") if complete else _("Would scale up"))
    if verdict == Verdict.STOP:
        return str(_("Stop") if complete else _("Would stop"))
    return verdict_label(Verdict.INSUFFICIENT_DATA)


def verdict_colour(code: str | None) -> str:
    return VERDICT_COLOURS.get(code, "secondary") if code else "secondary"


def verdict_email_style(code: str | None) -> str:
    return VERDICT_EMAIL_STYLES.get(verdict_colour(code), "")


# --- Statuses -------------------------------------------------------------------------------


def status_label(status: str, *, is_over: bool = False) -> str:
    if status == PilotStatus.RUNNING and is_over:
        return str(_("Ended, awaiting decision"))
    return str(PilotStatus(status).label)


STATUS_BADGES = {
    PilotStatus.PLANNED: "text-bg-secondary",
    PilotStatus.RUNNING: "text-bg-primary",
    PilotStatus.DECIDED: "text-bg-success",
    PilotStatus.CLOSED: "text-bg-dark",
}


def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-secondary")
