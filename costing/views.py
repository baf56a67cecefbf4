"""Costing pages: the calculator, the quote comparison of an RFQ and its exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import INTERNAL, role_required
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
from procurement.models import Rfq
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


def _comparison_for(request: HttpRequest, rfq: Rfq) -> tuple[TermForm, Comparison | None, str]:
    """The comparison at the chosen term (default: the RFQ's); an error text when the RFQ
    itself cannot be priced."""
    term_form = TermForm(request.GET if "months" in request.GET else {"months": rfq.term_months})
    months = term_form.cleaned_data["months"] if term_form.is_valid() else rfq.term_months
    try:
        comparison = build_comparison(
            rfq=rfq, quotes=submitted_quotes_for_comparison(rfq), months=months
        )
    except EngineInputError as exc:
        return term_form, None, engine_error_text(exc)
    return term_form, comparison, ""


@role_required(INTERNAL)
@require_GET
def comparison(request: HttpRequest, pk: int) -> HttpResponse:
    rfq = rfq_for_costing(pk=pk)
    term_form, result, error = _comparison_for(request, rfq)
    context = {
        "rfq": rfq,
        "term_form": term_form,
        "comparison": result,
        "error": error,
        "chart": comparison_chart(result) if result else "",
        "staffing_panels": _comparison_staffing_panels(rfq, result) if result else [],
        "scenario_rows": result.scenario_rows if result else [],
        **_best_value_context(request, rfq, result),
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


def _best_value_context(request: HttpRequest, rfq: Rfq, result: Comparison | None) -> dict:
    """The columns in the chosen order (`?sort=cost` by TCO, `?sort=score` best first) and
    one row per criterion that counts (test cases once the RFQ has some)."""
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "cost"
    has_test_cases = bool(rfq.test_cases.all())
    return {
        "actions": rfq_actions(rfq, request.user),
        "sort": sort,
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
