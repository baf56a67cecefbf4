"""Pilot pages. Views: access check → form → service → redirect (docs/style.md)."""

from __future__ import annotations

import dataclasses
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.permissions import INTERNAL, PROCUREMENT, VENDORS, role_required
from common.charts import HLine, Series, VMarker, line_chart_svg
from common.fragments import fragment_key, rows_digest
from kpis.csv_import import entries_csv, template_csv
from kpis.forms import KpiEntryForm
from kpis.presentation import KPI_LABELS, direction, format_kpi, kpi_unit_or_points
from kpis.rules import COST, KPI_KEYS
from kpis.selectors import kpi_entry_history
from kpis.targets import DEFAULT_TARGETS, defaults_from_quote
from kpis.views import csv_download, kpi_csv_upload_page, kpi_entry_page, parse_day
from procurement.models import Channel, Quote, QuoteStatus

from . import services
from .evaluation.views import scorecards_panel_context
from .forms import PilotFilterForm, PilotForm
from .models import Alert, Pilot
from .selectors import (
    PilotDashboard,
    app_today,
    dashboard_cache_key,
    get_pilot_for_user,
    kpi_entries_for_pilot,
    kpi_entry_for_day,
    pilot_dashboard,
    pilot_summaries,
    pilots_for_list,
    pilots_for_user,
)
from .services import kpi_entries_import, kpi_entry_upsert

# Who may write a pilot's KPIs: the pilot's own vendor and procurement (admin included).
KPI_WRITERS = VENDORS | PROCUREMENT
PAGE_SIZE = 25


def _pilot_for(request: HttpRequest, pk: int, *, write: bool = False) -> Pilot:
    """404 to a vendor asking for another vendor's pilot (existence does not leak), then 403
    to a role that may read but not write (managers on KPI entry)."""
    pilot = get_pilot_for_user(request.user, pk)
    if write and request.user.role not in KPI_WRITERS:
        raise PermissionDenied
    return pilot


def _can_write(user) -> bool:
    return user.role in KPI_WRITERS


# --- Lists -----------------------------------------------------------------------------------


@role_required(INTERNAL)
def pilot_list(request: HttpRequest) -> HttpResponse:
    today = app_today()
    filters = PilotFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    vendor = criteria.get("vendor")
    pilots = pilots_for_list(
        user=request.user,
        status=criteria.get("status") or None,
        channel=criteria.get("channel") or None,
        vendor_id=vendor.id if vendor else None,
        as_of=today,
    )
    page = Paginator(pilots, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pilots/pilot_list.html",
        {
            "filters": filters,
            "page": page,
            "rows": pilot_summaries(page.object_list, as_of=today),
            "kpi_keys": KPI_KEYS,
            "query": query.urlencode(),
            "today": today,
        },
    )


@role_required(VENDORS)
def vendor_pilot_list(request: HttpRequest) -> HttpResponse:
    today = app_today()
    pilots = pilots_for_user(request.user).order_by("-start_date", "-id")
    page = Paginator(pilots, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "pilots/vendor_pilot_list.html",
        {
            "page": page,
            "rows": pilot_summaries(page.object_list, as_of=today),
            "kpi_keys": KPI_KEYS,
            "today": today,
        },
    )


# --- Create ------------------------------------------------------------------------------------


@role_required(PROCUREMENT)
def pilot_create(request: HttpRequest) -> HttpResponse:
    source_quote, quote_notes = None, []
    if request.method == "POST":
        form = PilotForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                pilot = _create(request, data, form)
            except ValidationError as exc:
                # A service field the form lacks (the extras' targets as one) goes on top.
                by_field = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
                for name, errors in by_field.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("The pilot was created."))
                return redirect("pilots:pilot_detail", pk=pilot.pk)
        source_quote = form.cleaned_data.get("quote") if hasattr(form, "cleaned_data") else None
    else:
        initial: dict = {f"target_{key}": value for key, value in DEFAULT_TARGETS.items()}
        initial.update(length_days=90, start_date=app_today())
        source_quote = _quote_from_query(request)
        if source_quote is not None:
            channel = request.GET.get("channel")
            defaults = defaults_from_quote(
                source_quote, channel=channel if channel in Channel.values else None
            )
            initial.update(quote=source_quote.pk, vendor=defaults.vendor_id)
            if defaults.channel:
                initial["channel"] = defaults.channel
            for key, value in defaults.targets.items():
                initial[f"target_{key}"] = value
            quote_notes = defaults.notes
        elif request.GET.get("vendor", "").isdigit():
            initial["vendor"] = int(request.GET["vendor"])
        form = PilotForm(initial=initial)
    awarded = (
        Quote.objects.filter(status=QuoteStatus.SUBMITTED, awarded_for__isnull=False)
        .select_related("vendor", "rfq")
        .order_by("-rfq__created_at")[:20]
    )
    return render(
        request,
        "pilots/pilot_form.html",
        {
            "form": form,
            "source_quote": source_quote,
            "quote_notes": quote_notes,
            "awarded_quotes": awarded,
        },
    )


def _quote_from_query(request: HttpRequest) -> Quote | None:
    raw = request.GET.get("quote", "")
    if not raw.isdigit():
        return None
    quote = (
        Quote.objects.filter(pk=int(raw), status=QuoteStatus.SUBMITTED)
        .select_related("vendor", "rfq")
        .first()
    )
    if quote is None:
        messages.warning(request, _("That quote was not found or is not submitted."))
    return quote


def _create(request: HttpRequest, data: dict, form: PilotForm) -> Pilot:
    return services.pilot_create(
        vendor=data["vendor"],
        quote=data.get("quote"),
        channel=data["channel"],
        start_date=data["start_date"],
        length_days=data["length_days"],
        targets=form.targets(),
        extra_targets=form.extra_targets(),
        must_meet=form.must_meet_keys(),
        managers=data.get("managers") or [],
        by=request.user,
    )


DASHBOARD_CACHE_SECONDS = 24 * 3600  # the key changes with every entry and every day

# --- Dashboard ---------------------------------------------------------------------------------


@login_required
def pilot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = _pilot_for(request, pk)
    today = app_today()
    # The figures and charts change only with a new or edited entry (or a new day): kept in
    # the cache under a key that says so, they are computed once per change, not per view;
    # the template caches its tables and charts as HTML under the same key.
    key = dashboard_cache_key(pilot=pilot, as_of=today, language=get_language())
    cached = cache.get(key)
    if cached is None:
        dashboard = pilot_dashboard(pilot=pilot, as_of=today)
        cached = (dashboard, _kpi_charts(dashboard))
        cache.set(key, cached, DASHBOARD_CACHE_SECONDS)
    dashboard, charts = cached
    dashboard = dataclasses.replace(dashboard, pilot=pilot)
    open_alerts = (
        Alert.objects.filter(pilot=pilot, closed_at__isnull=True).count()
        if request.user.is_internal
        else None
    )
    # The checkpoints panel changes with the scorecards (made by the sweep, e-mailed by the
    # outbox), not with the entries: its HTML is kept under a digest of the pilot and its
    # scorecards as read (the one query the panel needs anyway). The template's fragments
    # also vary on the viewer's role: one role's links never reach another.
    panel = scorecards_panel_context(pilot=pilot, user=request.user)
    cards = [checkpoint["card"] for checkpoint in panel["checkpoints"]]
    scorecards_key = fragment_key(
        "pilot-scorecards", pilot.pk, rows_digest([pilot, *cards]), get_language()
    )
    return render(
        request,
        "pilots/pilot_detail.html",
        {
            "pilot": pilot,
            "dash": dashboard,
            "charts": charts,
            "dash_key": key,
            "panel": panel,
            "scorecards_key": scorecards_key,
            "can_write": _can_write(request.user),
            # Entry opens on day 1 and stays open after the end, for late days and corrections.
            "can_enter": _can_write(request.user) and dashboard.day >= 1,
            "open_alerts": open_alerts,
        },
    )


def _kpi_charts(dashboard: PilotDashboard) -> list[dict]:
    """A trend per KPI: daily values, the 7-day pooled value and the target line."""
    targets = dashboard.pilot.targets
    markers = [
        VMarker(_("day %(n)s") % {"n": n}, n, color="#6c757d")
        for n in dashboard.checkpoint_days
        if n <= max(dashboard.days_over, 1)
    ]
    charts = []
    for key in targets:  # the five and the tracked extras
        unit = kpi_unit_or_points(key)
        label = str(KPI_LABELS[key])
        svg = line_chart_svg(
            title=f"{label} ({unit})",
            series=[
                Series(_("Daily"), dashboard.daily_values[key], color="#adb5bd", dots=True),
                Series(_("7-day pooled"), dashboard.rolling7_values[key], color="#0d6efd"),
            ],
            hlines=[
                HLine(
                    _("target %(direction)s %(value)s")
                    % {"direction": direction(key), "value": format_kpi(key, targets[key])},
                    targets[key],
                )
            ],
            vmarkers=markers,
            x_label=_("Day of the pilot"),
            y_money=key == COST,
            height=240,
        )
        charts.append({"key": key, "svg": svg})
    return charts


# --- One day's entry ---------------------------------------------------------------------------


def _default_entry_day(pilot: Pilot, today: date) -> date:
    """The first day that is over and still missing, else today (within the pilot)."""
    missing = pilot_dashboard(pilot=pilot, as_of=today).missing_days
    if missing:
        return missing[0][1]
    return min(max(today, pilot.start_date), pilot.end_date)


@login_required
def kpi_entry(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = _pilot_for(request, pk, write=True)
    may_correct_final = request.user.is_procurement

    def save(day: date, values: dict) -> bool:
        _entry, created = kpi_entry_upsert(
            pilot=pilot, day=day, values=values, by=request.user, source="form"
        )
        return created

    return kpi_entry_page(
        request,
        make_form=lambda *args, **kwargs: KpiEntryForm(
            *args, period=pilot, may_correct_final=may_correct_final, **kwargs
        ),
        find_entry=lambda day: kpi_entry_for_day(pilot, day),
        save=save,
        default_day=lambda today: _default_entry_day(pilot, today),
        template_name="pilots/kpi_entry.html",
        context=lambda day: {
            "pilot": pilot,
            "day_number": pilot.day_number(day) if day else None,
        },
        done_url=lambda day: reverse("pilots:kpi_day", args=[pilot.pk, day.isoformat()]),
    )


@login_required
def kpi_day(request: HttpRequest, pk: int, day: str) -> HttpResponse:
    pilot = _pilot_for(request, pk)
    parsed = parse_day(day)
    if parsed is None:
        raise Http404
    entry = kpi_entry_for_day(pilot, parsed)
    return render(
        request,
        "pilots/kpi_day.html",
        {
            "pilot": pilot,
            "day": parsed,
            "day_number": pilot.day_number(parsed),
            "entry": entry,
            "history": kpi_entry_history(entry) if entry else [],
            "can_write": _can_write(request.user),
            "in_pilot": pilot.start_date <= parsed <= pilot.end_date,
            "today": app_today(),
        },
    )


# --- CSV ---------------------------------------------------------------------------------------


@login_required
def kpi_csv_upload(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = _pilot_for(request, pk, write=True)
    return kpi_csv_upload_page(
        request,
        period=pilot,
        import_rows=lambda rows: kpi_entries_import(pilot=pilot, rows=rows, by=request.user),
        template_name="pilots/kpi_csv_upload.html",
        context={"pilot": pilot},
        done_url=reverse("pilots:pilot_detail", args=[pilot.pk]),
        find_entry=lambda day: kpi_entry_for_day(pilot, day),
    )


@login_required
def kpi_csv_template(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = _pilot_for(request, pk, write=True)
    return csv_download(template_csv(pilot), f"pilot-{pilot.pk}-kpi-template.csv")


@login_required
def kpi_csv_export(request: HttpRequest, pk: int) -> HttpResponse:
    pilot = _pilot_for(request, pk)
    return csv_download(entries_csv(kpi_entries_for_pilot(pilot)), f"pilot-{pilot.pk}-kpis.csv")
