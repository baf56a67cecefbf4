"""Costing pages: the calculator, the quote comparison of an RFQ and its exports."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import INTERNAL, role_required
from common.fragments import fragment_key, rows_digest
from costing.calculator import calculate
from costing.charts import comparison_chart, cumulative_chart, staffing_chart
from costing.comparison import Comparison, build_comparison, sort_columns
from costing.comparison_exports import comparison_csv, comparison_filename, comparison_xlsx
from costing.engine import EngineInputError, LiveStaffing, staffing
from costing.forms import CalculatorForm, StaffingForm, TermForm
from costing.messages import OUT_OF_RANGE, engine_error_text
from costing.selectors import rfq_for_costing, submitted_quotes_for_comparison
from costing.staffing import staffing_rows
from procurement.forms import WEIGHT_LABELS
from procurement.models import Quote, Rfq
from procurement.selectors import rfq_actions

STAFFING_CHANNELS = (("chat", _("Live chat")), ("phone", _("Phone")))


@role_required(INTERNAL)
@require_http_methods(["GET", "POST"])
def calculator(request: HttpRequest) -> HttpResponse:
    """GET shows the cost article's worked example; POST recalculates (a partial for htmx,
    the whole page without JavaScript). Nothing is stored, so there is no redirect."""
    if request.method == "POST":
        data: Any = request.POST
    else:
        data = CalculatorForm.default_data()
        # The Erlang panels start from the calculator's own volume, AHT and open hours.
        calculator_inputs = dict(data)
        for prefix, _label in STAFFING_CHANNELS:
            data.update(StaffingForm.default_data(prefix, calculator=calculator_inputs))

    form = CalculatorForm(data)
    result = None
    if form.is_valid():
        try:
            result = calculate(
                workload=form.cleaned_data["workload"],
                in_house=form.cleaned_data["in_house"],
                offer=form.cleaned_data["offer"],
                months=form.cleaned_data["months"],
                scenario_factors=form.cleaned_data["scenario_factors"],
                transition_months=form.cleaned_data["transition_months"],
            )
        except EngineInputError as exc:
            form.add_engine_error(exc)
        except ArithmeticError:
            form.add_error(None, OUT_OF_RANGE)

    panels = []
    for prefix, label in STAFFING_CHANNELS:
        staffing_form = StaffingForm(data, prefix=prefix)
        staffing_result = None
        if staffing_form.is_valid():
            try:
                staffing_result = staffing(**staffing_form.cleaned_data)
            except EngineInputError as exc:
                staffing_form.add_engine_error(exc)
            except ArithmeticError:
                staffing_form.add_error(None, OUT_OF_RANGE)
        panels.append(
            {"channel": prefix, "label": label, "form": staffing_form, "result": staffing_result}
        )

    context = {
        "form": form,
        "result": result,
        "chart": cumulative_chart(result.estimate) if result else "",
        "live_panel": _calculator_staffing_panel(form, result),
        "staffing_panels": panels,
        "staffing_forms": [panel["form"] for panel in panels],
        "scenario_rows": _scenario_rows(form),
    }
    template = "costing/_calculator.html" if request.htmx else "costing/calculator.html"
    return render(request, template, context)


def _calculator_staffing_panel(form: CalculatorForm, result: Any) -> dict[str, Any] | None:
    """The hour-by-hour table and chart of a chat or phone calculation."""
    if result is None or result.estimate.staffing is None:
        return None
    channel = form.cleaned_data["channel"]
    opens_at = form.cleaned_data.get("opens_at_hour")
    return staffing_panel(
        channel=channel,
        title=str(dict(form.fields["channel"].choices)[channel]),
        staffing=result.estimate.staffing,
        opens_at_hour=9 if opens_at is None else opens_at,
        workload_hours=result.estimate.workload_hours_per_month,
    )


def _scenario_rows(form: CalculatorForm) -> list[dict[str, Any]]:
    """The factor inputs of the scenarios table, one row per factor."""
    names = ("pessimistic", "realistic", "optimistic")
    return [
        {"label": _("Volume ×"), "fields": [form[f"{name}_volume"] for name in names]},
        {"label": _("AHT ×"), "fields": [form[f"{name}_aht"] for name in names]},
    ]


def _term(request: HttpRequest, rfq: Rfq) -> tuple[TermForm, int]:
    """The comparison's term: the chosen one (12–24 months), else the RFQ's."""
    term_form = TermForm(request.GET if "months" in request.GET else {"months": rfq.term_months})
    months = term_form.cleaned_data["months"] if term_form.is_valid() else rfq.term_months
    return term_form, months


def _comparison_for(request: HttpRequest, rfq: Rfq) -> tuple[TermForm, Comparison | None, str]:
    """The comparison at the chosen term (default: the RFQ's); an error text when the RFQ
    itself cannot be priced."""
    term_form, months = _term(request, rfq)
    comparison, error = _build(rfq, submitted_quotes_for_comparison(rfq), months)
    return term_form, comparison, error


def _build(rfq: Rfq, quotes: Iterable[Quote], months: int) -> tuple[Comparison | None, str]:
    try:
        return build_comparison(rfq=rfq, quotes=quotes, months=months), ""
    except EngineInputError as exc:
        return None, engine_error_text(exc)


# The comparison's HTML is kept under a digest of every row it is computed from (the RFQ, its
# channels and test cases, each submitted quote with its vendor, risks and answers), the term,
# the sort and the language: any change to any of them is a new key, so the page is never
# stale, and a comparison viewed again skips both the engine and the template (issue 22).
COMPARISON_CACHE_SECONDS = 3600


def comparison_cache_key(*, rfq: Rfq, quotes: list[Quote], months: int, sort: str) -> str:
    rows: list[Any] = [rfq, *rfq.channels.all(), *rfq.test_cases.all()]
    for quote in quotes:
        rows += [quote, quote.vendor, quote.rfq, *quote.rfq.channels.all()]
        rows += [*quote.risks.all(), *quote.test_case_answers.all()]
    return fragment_key(
        "comparison", rfq.pk, rows_digest(rows), months, sort, get_language() or "-"
    )


@role_required(INTERNAL)
@require_GET
def comparison(request: HttpRequest, pk: int) -> HttpResponse:
    rfq = rfq_for_costing(pk=pk)
    term_form, months = _term(request, rfq)
    sort = _sort(request)
    quotes = list(submitted_quotes_for_comparison(rfq))
    key = comparison_cache_key(rfq=rfq, quotes=quotes, months=months, sort=sort)
    cached = cache.get(key)
    if cached is None:
        result, error = _build(rfq, quotes, months)
        body = render_to_string(
            "costing/_comparison_body.html",
            {
                "rfq": rfq,
                "comparison": result,
                "error": error,
                "chart": comparison_chart(result) if result else "",
                "staffing_panels": _comparison_staffing_panels(rfq, result) if result else [],
                "scenario_rows": result.scenario_rows if result else [],
                **_best_value_context(rfq, result, sort),
            },
        )
        cached = {"body": str(body), "priced": result is not None}
        cache.set(key, cached, COMPARISON_CACHE_SECONDS)
    context = {
        "rfq": rfq,
        "term_form": term_form,
        "months": months,
        "sort": sort,
        "priced": cached["priced"],
        "actions": rfq_actions(rfq, request.user),
        "comparison_body": mark_safe(cached["body"]),  # noqa: S308 - our own rendered template
    }
    return render(request, "costing/comparison.html", context)


def staffing_panel(
    *,
    channel: str,
    title: str,
    staffing: LiveStaffing,
    opens_at_hour: int,
    workload_hours: Any = None,
) -> dict[str, Any]:
    """What `costing/_staffing_table.html` shows for one live channel."""
    return {
        "channel": channel,
        "title": title,
        "staffing": staffing,
        "rows": staffing_rows(staffing, opens_at_hour=opens_at_hour),
        "seats_per_day": sum(row.seats for row in staffing.hours),
        "chart": staffing_chart(
            staffing,
            opens_at_hour=opens_at_hour,
            title=gettext("%(channel)s: seats per open hour") % {"channel": title},
        ),
        "workload_hours": workload_hours,
    }


def _comparison_staffing_panels(rfq: Rfq, comparison: Comparison) -> list[dict[str, Any]]:
    return [
        staffing_panel(
            channel=channel.channel,
            title=channel.label,
            staffing=channel.staffing,
            opens_at_hour=rfq.opens_at.hour,
            workload_hours=channel.workload_hours_per_month,
        )
        for channel in comparison.live_channels
        if channel.staffing is not None
    ]


# --- best value (docs/domain.md §4) ------------------------------------------------------------

SORTS = ("cost", "score")


def _sort(request: HttpRequest) -> str:
    """`?sort=cost` by TCO (the default), `?sort=score` best first."""
    return request.GET["sort"] if request.GET.get("sort") in SORTS else "cost"


def _best_value_context(rfq: Rfq, result: Comparison | None, sort: str) -> dict:
    """The columns in the chosen order and one row per criterion that counts (test cases
    once the RFQ has some)."""
    has_test_cases = bool(rfq.test_cases.all())
    return {
        "columns": sort_columns(result.columns, by=sort) if result else [],
        "test_cases_pending": bool(result and result.test_cases_pending),
        "criteria_rows": [
            (key, WEIGHT_LABELS[key], weight)
            for key, weight in rfq.weights.items()
            if key != "test_cases" or has_test_cases
        ],
    }


def _export(request: HttpRequest, pk: int, *, extension: str) -> HttpResponse:
    rfq = rfq_for_costing(pk=pk)
    _term_form, result, error = _comparison_for(request, rfq)
    if result is None:
        messages.error(request, gettext("Nothing to export: %(error)s") % {"error": error})
        return redirect("costing:comparison", pk=rfq.pk)
    if extension == "xlsx":
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        body: bytes | str = comparison_xlsx(result)
    else:
        content_type = "text/csv; charset=utf-8"
        body = comparison_csv(result)
    return HttpResponse(
        body,
        content_type=content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{comparison_filename(result, extension)}"'
        },
    )


@role_required(INTERNAL)
@require_GET
def comparison_export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, extension="xlsx")


@role_required(INTERNAL)
@require_GET
def comparison_export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    return _export(request, pk, extension="csv")
