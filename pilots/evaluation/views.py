"""Pages of the evaluation: scorecards (page and PDF), the decision, the exit evaluation and
the alerts. Each view: access check → form → service → redirect (docs/style.md)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import EVERYONE, INTERNAL, MANAGERS, role_required
from common.charts import HLine, Series, VMarker, line_chart_svg
from common.formats import format_decimal
from costing.engine import CHECKLISTS
from kpis.selectors import daily_series
from pilots.models import Pilot, Scorecard, ScorecardPdf
from pilots.presentation import verdict_label
from pilots.selectors import kpi_last_change
from procurement.checks import GAP_LABELS, GROUP_LABELS, quote_gaps

from . import decisions
from .alert_list import AlertList, alert_acknowledge_by_id
from .decisions import pilot_can_decide, pilot_can_exit_evaluate
from .forms import DecisionForm, ExitEvaluationForm
from .pdf import pdf_version
from .scorecards import scorecard_is_decision, scorecard_missed, scorecard_rows
from .selectors import (
    ALERT_STATUSES,
    cost_comparison,
    daily_entries,
    get_pilot_for_evaluation,
    get_scorecard_for_user,
    scorecards_for_pilot,
)

ALERTS_PER_PAGE = 50


# --- Scorecards ------------------------------------------------------------------------------


@role_required(EVERYONE)
def scorecard_list(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = get_pilot_for_evaluation(request.user, pk)
    return render(
        request,
        "pilots/scorecard_list.html",
        {"pilot": pilot, "panel": scorecards_panel_context(pilot=pilot, user=request.user)},
    )


@role_required(EVERYONE)
def scorecard_detail(request: HttpRequest, pk: int, day: int) -> HttpResponse:
    scorecard = get_scorecard_for_user(request.user, pilot_pk=pk, checkpoint_day=day)
    return render(
        request, "pilots/scorecard_detail.html", scorecard_context(scorecard, user=request.user)
    )


@role_required(EVERYONE)
def scorecard_pdf(request: HttpRequest, pk: int, day: int) -> HttpResponse:
    from weasyprint import HTML  # heavy (Pango, fonts): loaded only when a PDF is asked for

    scorecard = get_scorecard_for_user(request.user, pilot_pk=pk, checkpoint_day=day)
    # Stored under the version of everything the page is made of (pilots/evaluation/pdf.py):
    # found without drawing the page.
    digest = pdf_version(scorecard, user=request.user)
    stored = (
        ScorecardPdf.objects.filter(scorecard=scorecard, html_sha256=digest)
        .values_list("content", flat=True)
        .first()
    )
    if stored is not None:
        pdf = bytes(stored)  # the same page was printed before: no second rendering
    else:
        context = scorecard_context(scorecard, user=request.user, for_print=True)
        html = render_to_string("pilots/scorecard_pdf.html", context, request=request)
        pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
        ScorecardPdf.objects.bulk_create(
            [ScorecardPdf(scorecard=scorecard, html_sha256=digest, content=pdf)],
            ignore_conflicts=True,  # two first requests at once: one row
        )
    filename = (
        f"scorecard-{slugify(scorecard.pilot.vendor.name)}-day-{scorecard.checkpoint_day}.pdf"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(MANAGERS)
def pilot_decide(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = get_pilot_for_evaluation(request.user, pk)
    decision_day = pilot.decision_day
    scorecard = Scorecard.objects.filter(pilot=pilot, checkpoint_day=decision_day).first()
    if request.method != "POST":
        if scorecard is None:
            messages.info(request, _("The decision scorecard has not been made yet."))
            return redirect("pilots:scorecard_list", pk=pilot.pk)
        return redirect(
            reverse("pilots:scorecard_detail", args=[pilot.pk, decision_day]) + "#decision"
        )
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decisions.pilot_decide(
                pilot=pilot,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                knowledge_transfer_rating=form.cleaned_data["knowledge_transfer_rating"],
                responsiveness_rating=form.cleaned_data["responsiveness_rating"],
                by=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc, {"decision_note": "note"})
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("pilots:scorecard_detail", pk=pilot.pk, day=decision_day)
    if scorecard is None:
        messages.error(request, " ".join(form.non_field_errors()) or _("Not possible yet."))
        return redirect("pilots:scorecard_list", pk=pilot.pk)
    scorecard.pilot = pilot
    context = scorecard_context(scorecard, user=request.user, decision_form=form)
    return render(request, "pilots/scorecard_detail.html", context, status=400)


@role_required(MANAGERS)
def pilot_exit_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = get_pilot_for_evaluation(request.user, pk)
    latest = scorecards_for_pilot(pilot=pilot).last()
    if request.method != "POST":
        if latest is None:
            return redirect("pilots:scorecard_list", pk=pilot.pk)
        return redirect(
            reverse("pilots:scorecard_detail", args=[pilot.pk, latest.checkpoint_day])
            + "#exit-evaluation"
        )
    form = ExitEvaluationForm(request.POST)
    if form.is_valid():
        try:
            decisions.pilot_exit_evaluate(
                pilot=pilot,
                evaluation=form.cleaned_data["evaluation"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc, {"exit_evaluation_note": "note"})
        else:
            messages.success(request, _("The exit evaluation is recorded; the pilot is closed."))
            if latest is None:
                return redirect("pilots:scorecard_list", pk=pilot.pk)
            return redirect("pilots:scorecard_detail", pk=pilot.pk, day=latest.checkpoint_day)
    if latest is None:
        messages.error(request, " ".join(form.non_field_errors()) or _("Not possible yet."))
        return redirect("pilots:scorecard_list", pk=pilot.pk)
    latest.pilot = pilot
    context = scorecard_context(latest, user=request.user, exit_form=form)
    return render(request, "pilots/scorecard_detail.html", context, status=400)


def _add_errors(form, exc: ValidationError, field_map: dict[str, str]) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field_map.get(field, field)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- Alerts ----------------------------------------------------------------------------------


@role_required(INTERNAL)
def alert_list(request: HttpRequest) -> HttpResponse:
    """The one alerts list: pilots' and contracts' alerts, newest first."""
    status = request.GET.get("status", "open")
    if status not in ALERT_STATUSES:
        status = "open"
    page = Paginator(AlertList(status), ALERTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "pilots/alert_list.html",
        {
            "page": page,
            "rows": page.object_list,
            "status": status,
            "statuses": _status_tabs(),
            "note_max": ALERT_NOTE_MAX,
            # Each row's acknowledge URL from one reversed pattern, not a `{% url %}` per row.
            "ack_url": _acknowledge_url_parts(),
        },
    )


def _acknowledge_url_parts() -> tuple[str, str]:
    """The acknowledge URL around its alert id: ("/pilots/alerts/", "/acknowledge/")."""
    head, tail = reverse("pilots:alert_acknowledge", args=["0"]).rsplit("/0/", 1)
    return f"{head}/", f"/{tail}"


def _status_tabs() -> list[tuple[str, str]]:
    return [("open", _("Open")), ("closed", _("Closed")), ("all", _("All"))]


ALERT_NOTE_MAX = 2000


@role_required(INTERNAL)
@require_POST
def alert_acknowledge_view(request: HttpRequest, alert_id: str) -> HttpResponse:
    """Any room's alert by its list id ("pilot-12", "contract-5"; a bare number is a
    pilot's). An exit review asks a manager for a note (403 for another role)."""
    note = request.POST.get("note", "")[:ALERT_NOTE_MAX]
    try:
        alert_acknowledge_by_id(alert_id, by=request.user, note=note)
    except ValidationError as exc:
        for message in exc.message_dict.get("note", exc.messages):
            messages.error(request, message)
    else:
        messages.success(request, _("Alert acknowledged."))
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("pilots:alert_list")


# --- What the scorecard page and the PDF show -------------------------------------------------


def scorecard_context(
    scorecard: Scorecard,
    *,
    user,
    for_print: bool = False,
    decision_form: DecisionForm | None = None,
    exit_form: ExitEvaluationForm | None = None,
) -> dict:
    pilot: Pilot = scorecard.pilot
    rows = scorecard_rows(scorecard)
    totals = (scorecard.details or {}).get("totals", {})
    tickets = totals.get("tickets") or 0
    cost_total = Decimal(totals.get("cost") or 0)
    actual_cpt = cost_total / tickets if tickets else None
    comparison = cost_comparison(pilot=pilot)
    all_scorecards = list(scorecards_for_pilot(pilot=pilot))
    checkpoint_days = {card.checkpoint_day for card in all_scorecards}
    decision_day = pilot.decision_day
    has_decision_scorecard = decision_day in checkpoint_days
    has_final_scorecard = pilot.checkpoint_days[-1] in checkpoint_days
    is_manager = user.is_manager
    can_decide = (
        is_manager
        and scorecard.checkpoint_day == decision_day
        and pilot_can_decide(pilot, has_decision_scorecard=has_decision_scorecard)
    )
    can_exit = is_manager and pilot_can_exit_evaluate(
        pilot, has_final_scorecard=has_final_scorecard
    )
    quote = pilot.quote
    return {
        "scorecard": scorecard,
        "pilot": pilot,
        "rows": rows,
        "missed": scorecard_missed(scorecard),
        "is_decision": scorecard_is_decision(scorecard),
        "verdict_label": verdict_label(scorecard.verdict),
        "totals": totals,
        "qa_needed": (scorecard.details or {}).get("qa_needed"),
        "actual_cost_per_ticket": actual_cpt,
        "cost_total": cost_total,
        "comparison": comparison,
        # The in-house baseline is the buyer's own figure: never shown to a vendor.
        "show_in_house": not user.is_vendor,
        "show_internal_notes": not user.is_vendor,
        "savings_per_ticket": (
            comparison.in_house_cost_per_ticket - actual_cpt
            if actual_cpt is not None and comparison.in_house_cost_per_ticket is not None
            else None
        ),
        "quote": quote,
        "gap_groups": _gap_groups(quote) if quote is not None else [],
        "charts": _charts_cached(scorecard, rows),
        "all_scorecards": all_scorecards,
        "can_decide": can_decide,
        "can_exit": can_exit,
        "decision_form": decision_form or (DecisionForm() if can_decide else None),
        "exit_form": exit_form or (ExitEvaluationForm() if can_exit else None),
        "for_print": for_print,
    }


def _gap_groups(quote) -> list[dict]:
    gaps = set(quote_gaps(quote))
    return [
        {
            "label": GROUP_LABELS[group],
            "total": len(keys),
            "answered": len([k for k in keys if k not in gaps]),
            "gaps": [GAP_LABELS[k] for k in keys if k in gaps],
        }
        for group, keys in CHECKLISTS.items()
    ]


SCORECARD_CHARTS_SECONDS = 24 * 3600  # the key changes with every entry


def _charts_cached(scorecard: Scorecard, rows) -> list:
    """The charts change only when an entry of the pilot does (or its dates): drawn once per
    change and language, not per view or PDF (the page and the stored PDF's digest)."""
    pilot = scorecard.pilot
    key = (
        f"scorecard-charts:{scorecard.pk}:{kpi_last_change(pilot_id=pilot.pk)}:"
        f"{pilot.start_date}:{pilot.length_days}:{get_language()}"
    )
    charts = cache.get(key)
    if charts is None:
        entries = daily_entries(
            pilot=pilot, date_from=scorecard.window_from, date_to=scorecard.window_to
        )
        charts = _charts(scorecard, entries, rows)
        cache.set(key, charts, SCORECARD_CHARTS_SECONDS)
    return charts


def _charts(scorecard: Scorecard, entries, rows) -> list:
    """Per KPI: the daily value, the pooled value so far and the target (docs/domain.md §5)."""
    pilot = scorecard.pilot
    series = daily_series(entries, period=pilot)
    markers = [
        VMarker(_("day %(day)s") % {"day": day}, day)
        for day in pilot.checkpoint_days
        if day < scorecard.checkpoint_day  # the window's own end is the chart's edge
    ]
    charts = []
    for row in rows:
        points = series[row.key]
        charts.append(
            line_chart_svg(
                title=row.label,
                series=[
                    Series(_("daily"), [(d, v) for d, v, _p in points], color="#9ec5fe"),
                    Series(_("pooled so far"), [(d, p) for d, _v, p in points], color="#0d6efd"),
                ],
                hlines=[
                    HLine(
                        _("target %(value)s") % {"value": format_decimal(row.target, 2)},
                        row.target,
                    )
                ],
                vmarkers=markers,
                x_label=_("pilot day"),
                height=220,
            )
        )
    return charts


def scorecards_panel_context(*, pilot: Pilot, user) -> dict:
    """The checkpoints of a pilot: made (with their result) or due on a date."""
    made = {card.checkpoint_day: card for card in scorecards_for_pilot(pilot=pilot)}
    decision_day = pilot.decision_day
    checkpoints = []
    for day in pilot.checkpoint_days:
        card = made.get(day)
        checkpoints.append(
            {
                "day": day,
                "card": card,
                "is_decision": day == decision_day,
                "verdict_label": verdict_label(card.verdict) if card else "",
                "due_on": pilot.date_of_day(day + 1),
                "window_to": pilot.date_of_day(day),
            }
        )
    return {"pilot": pilot, "checkpoints": checkpoints, "user_is_manager": user.is_manager}
