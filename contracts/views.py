"""Contract pages. Views: access check → form → service → redirect (docs/style.md)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import EVERYONE, INTERNAL, PROCUREMENT, VENDORS, role_required
from common.charts import HLine, Series, line_chart_svg
from kpis.csv_import import entries_csv, template_csv
from kpis.definitions import CORE_KEYS
from kpis.presentation import KPI_LABELS, direction, format_kpi, kpi_unit_or_points
from kpis.rules import COST, KPI_KEYS
from kpis.views import csv_download, kpi_csv_upload_page, kpi_entry_page
from pilots.models import Decision, Pilot
from pilots.selectors import app_today
from procurement.models import Channel, Quote, QuoteStatus

from . import services
from .forms import (
    ActionFormSet,
    ContractForm,
    ContractKpiEntryForm,
    ContractStatusForm,
    ReviewForm,
)
from .models import Contract, ContractAlert, ContractKpiEntry, ReviewAction
from .selectors import (
    contract_periods_closed,
    contract_reviews,
    contract_status,
    contract_targets,
    contracts_for_user,
    get_contract_for_user,
    open_review_actions,
)

PAGE_SIZE = 25
# Who may write a contract's KPIs: its own vendor and procurement (admin included).
KPI_WRITERS = VENDORS | PROCUREMENT


def _contract_for(request: HttpRequest, pk: int) -> Contract:
    """404 to a vendor asking for another vendor's contract (existence does not leak)."""
    return get_contract_for_user(request.user, pk)


@role_required(EVERYONE)
def contract_list(request: HttpRequest) -> HttpResponse:
    """Internal roles: every contract; a vendor: its own."""
    today = app_today()
    contracts = contracts_for_user(request.user).order_by("-start_date", "-id")
    page = Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"contract": c, "status": contract_status(c, today)} for c in page.object_list]
    return render(request, "contracts/contract_list.html", {"page": page, "rows": rows})


# --- Create ------------------------------------------------------------------------------------


def _initial_from(request: HttpRequest) -> tuple[dict, object | None]:
    """Prefill from `?pilot=` (decided scale up) or `?quote=`; returns (initial, source)."""
    initial: dict = {"start_date": app_today(), "months": 12}
    defaults, source = None, None
    raw_pilot, raw_quote = request.GET.get("pilot", ""), request.GET.get("quote", "")
    if raw_pilot.isdigit():
        pilot = (
            Pilot.objects.select_related("vendor", "quote__rfq")
            .filter(pk=int(raw_pilot), decision=Decision.SCALE_UP)
            .first()
        )
        if pilot is None:
            messages.warning(request, _("That pilot was not found or was not decided “scale up”."))
        else:
            defaults, source = services.contract_defaults_from_pilot(pilot), pilot
    elif raw_quote.isdigit():
        quote = (
            Quote.objects.select_related("vendor", "rfq")
            .filter(pk=int(raw_quote), status=QuoteStatus.SUBMITTED)
            .first()
        )
        if quote is None:
            messages.warning(request, _("That quote was not found or is not submitted."))
        else:
            channel = request.GET.get("channel")
            defaults = services.contract_defaults_from_quote(
                quote, channel=channel if channel in Channel.values else None
            )
            source = quote
    if defaults is not None:
        initial.update(
            pilot=defaults.pilot_id,
            quote=defaults.quote_id,
            vendor=defaults.vendor_id,
            channel=defaults.channel,
            monthly_charge=defaults.monthly_charge,
        )
        # The five targets and, from a pilot, its tracked extras and must-meets.
        initial.update(
            {
                f"target_{key}" if key in CORE_KEYS else f"extra_{key}": value
                for key, value in defaults.targets.items()
            }
        )
        initial["must_meet"] = defaults.must_meet
    return initial, source


@role_required(PROCUREMENT)
def contract_create(request: HttpRequest) -> HttpResponse:
    source = None
    if request.method == "POST":
        form = ContractForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            pilot = data.get("pilot")  # a Pilot (the form refuses an id that names none)
            try:
                contract = services.contract_create(
                    by=request.user,
                    pilot=pilot,
                    vendor=data["vendor"],
                    channel=data["channel"],
                    quote=data.get("quote"),
                    start_date=data["start_date"],
                    months=data["months"],
                    targets=form.targets(),
                    credit_pct_per_missed_kpi=data["credit_pct_per_missed_kpi"],
                    credit_cap_pct=data["credit_cap_pct"],
                    monthly_charge=data.get("monthly_charge"),
                    extra_targets=form.extra_targets(),
                    must_meet=form.must_meet_keys(),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The contract was created."))
                return redirect("contracts:contract_detail", pk=contract.pk)
            source = pilot
    else:
        initial, source = _initial_from(request)
        form = ContractForm(initial=initial)
    pilots = (
        Pilot.objects.filter(decision=Decision.SCALE_UP, contract__isnull=True)
        .select_related("vendor")
        .order_by("-decided_at")[:20]
    )
    return render(
        request,
        "contracts/contract_form.html",
        {"form": form, "source": source, "scale_up_pilots": pilots},
    )


def _add_errors(form, exc: ValidationError) -> None:
    """Service errors on the form's fields where it has them (all at once), else on top."""
    mapping = getattr(exc, "message_dict", None)
    if mapping is None:
        form.add_error(None, exc)
        return
    for name, messages_ in mapping.items():
        form.add_error(name if name in form.fields else None, messages_)


# --- Detail ------------------------------------------------------------------------------------


def _month_charts(contract: Contract, periods: list) -> list[dict]:
    """A trend per KPI over the closed months, against the target (common/charts.py)."""
    if not periods:
        return []
    targets = contract_targets(contract)
    months = [period.month for period in periods]

    def month_label(x: float) -> str:
        # "Sep 2026", not 1, 2 (issue 24): the month each point stands for.
        index = round(x)
        if abs(x - index) > 1e-9 or not 1 <= index <= len(months):
            return ""
        return date_format(months[index - 1], "M Y")

    charts = []
    for key in targets:  # the five and the tracked extras
        points = []
        for index, period in enumerate(periods, start=1):
            value = period.kpis.get(key, {}).get("value")
            points.append((index, None if value is None else float(value)))
        label, unit = str(KPI_LABELS[key]), kpi_unit_or_points(key)
        svg = line_chart_svg(
            title=f"{label} ({unit})",
            series=[Series(_("Month"), points, color="#0d6efd", dots=True)],
            hlines=[
                HLine(
                    _("target %(direction)s %(value)s")
                    % {"direction": direction(key), "value": format_kpi(key, targets[key])},
                    targets[key],
                )
            ],
            x_label=_("Month of the contract"),
            y_money=key == COST,
            x_span=(1, max(len(periods), 2)),
            x_format=month_label,
            height=220,
        )
        charts.append({"key": key, "svg": svg})
    return charts


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract_for(request, pk)
    today = app_today()
    periods = list(contract_periods_closed(contract))
    internal = request.user.is_internal
    return render(
        request,
        "contracts/contract_detail.html",
        {
            "contract": contract,
            "status": contract_status(contract, today),
            "targets": [
                {
                    "key": key,
                    "label": KPI_LABELS[key],
                    "direction": direction(key),
                    "value": format_kpi(key, value),
                }
                for key, value in contract_targets(contract).items()
            ],
            "periods": periods,
            "kpi_keys": KPI_KEYS,
            "charts": _month_charts(contract, periods),
            "reviews": list(contract_reviews(contract)) if internal else [],
            "open_actions": list(open_review_actions(contract)),
            "alerts": list(ContractAlert.objects.filter(contract=contract, closed_at=None))
            if internal
            else [],
            "is_internal": internal,
            "can_manage": request.user.is_procurement,
            "can_enter": request.user.role in KPI_WRITERS and today >= contract.start_date,
            "status_form": ContractStatusForm(initial={"status": contract.status}),
            "today": today,
        },
    )


@role_required(PROCUREMENT)
@require_POST
def contract_set_status(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract_for(request, pk)
    form = ContractStatusForm(request.POST)
    if form.is_valid():
        services.contract_set_status(
            contract=contract, status=form.cleaned_data["status"], by=request.user
        )
        messages.success(request, _("The contract's status was changed."))
    else:
        messages.error(request, _("Choose a status."))
    return redirect("contracts:contract_detail", pk=contract.pk)


# --- Review log --------------------------------------------------------------------------------


@role_required(INTERNAL)
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract_for(request, pk)
    if request.method == "POST":
        form = ReviewForm(request.POST)
        actions = ActionFormSet(request.POST, prefix="actions")
        if form.is_valid() and actions.is_valid():
            rows = [a.cleaned_data for a in actions.forms if not a.is_blank()]
            try:
                services.review_create(
                    contract=contract,
                    by=request.user,
                    actions=rows,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                _add_review_errors(form, actions, exc)
            else:
                messages.success(request, _("The meeting was added to the review log."))
                return redirect("contracts:contract_detail", pk=contract.pk)
    else:
        form = ReviewForm(initial={"date": app_today()})
        actions = ActionFormSet(prefix="actions")
    return render(
        request,
        "contracts/review_form.html",
        {"contract": contract, "form": form, "actions": actions},
    )


def _add_review_errors(form, actions, exc: ValidationError) -> None:
    """`actions.<n>.<field>` errors go onto the n-th non-blank action row."""
    filled = [a for a in actions.forms if not a.is_blank()]
    for name, messages_ in exc.message_dict.items():
        if name.startswith("actions."):
            _prefix, index, field = name.split(".", 2)
            filled[int(index)].add_error(field, messages_)
        else:
            form.add_error(name if name in form.fields else None, messages_)


@role_required(INTERNAL)
@require_POST
def action_toggle(request: HttpRequest, pk: int, action_id: int) -> HttpResponse:
    contract = _contract_for(request, pk)
    action = get_object_or_404(ReviewAction, pk=action_id, review__contract=contract)
    services.review_action_set_done(action=action, done=not action.done, by=request.user)
    return redirect("contracts:contract_detail", pk=contract.pk)


# --- Daily KPIs (the pilots' form, CSV importer and rules) -------------------------------------


def _contract_to_write(request: HttpRequest, pk: int) -> Contract:
    """404 for another vendor's contract, then 403 for a role that may not enter KPIs."""
    contract = _contract_for(request, pk)
    if request.user.role not in KPI_WRITERS:
        raise PermissionDenied
    return contract


@login_required
def kpi_entry(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract_to_write(request, pk)

    def save(day: date, values: dict) -> bool:
        _entry, created = services.contract_kpi_day_upsert(
            contract=contract, day=day, values=values, by=request.user
        )
        return created

    return kpi_entry_page(
        request,
        make_form=lambda *args, **kwargs: ContractKpiEntryForm(*args, period=contract, **kwargs),
        find_entry=lambda day: (
            ContractKpiEntry.objects.filter(contract=contract, day=day)
            .select_related("entered_by")
            .first()
        ),
        save=save,
        default_day=lambda today: min(max(today, contract.start_date), contract.end_date),
        template_name="contracts/kpi_entry.html",
        context=lambda day: {"contract": contract},
        done_url=lambda day: reverse("contracts:contract_detail", args=[contract.pk]),
    )


@login_required
def kpi_csv_upload(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract_to_write(request, pk)
    return kpi_csv_upload_page(
        request,
        period=contract,
        import_rows=lambda rows: services.contract_kpi_days_import(
            contract=contract, rows=rows, by=request.user
        ),
        template_name="contracts/kpi_csv_upload.html",
        context={"contract": contract},
        done_url=reverse("contracts:contract_detail", args=[contract.pk]),
        find_entry=lambda day: ContractKpiEntry.objects.filter(contract=contract, day=day).first(),
    )


@login_required
def kpi_csv_template(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract_to_write(request, pk)
    return csv_download(template_csv(contract), f"contract-{contract.pk}-kpi-template.csv")


@login_required
def kpi_csv_export(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract_for(request, pk)
    entries = list(ContractKpiEntry.objects.filter(contract=contract).order_by("day"))
    return csv_download(entries_csv(entries), f"contract-{contract.pk}-kpis.csv")
