"""The KPI-day page pieces a pilot and a contract share (docs/domain.md §6: a contract's vendor
enters its days exactly as in a pilot): the day's form with its history, the CSV upload
page and the CSV download."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from common.dates import app_today, parse_sane_date

from .csv_import import MAX_UPLOAD_BYTES, RowError, parse_kpi_csv
from .days import VALUE_FIELDS, ImportResult, KpiPeriod
from .forms import KpiCsvUploadForm
from .models import KpiDay
from .selectors import kpi_entry_history


def parse_day(raw: str | None) -> date | None:
    """A day from a URL or a form field; None when malformed or outside the sane range."""
    try:
        return parse_sane_date(raw) if raw else None
    except ValueError:
        return None


def kpi_entry_page(
    request: HttpRequest,
    *,
    make_form: Callable[..., object],
    find_entry: Callable[[date], KpiDay | None],
    save: Callable[[date, dict], bool],
    default_day: Callable[[date], date],
    template_name: str,
    context: Callable[[date | None], dict],
    done_url: Callable[[date], str],
) -> HttpResponse:
    """One day's KPIs on a form (`KpiDayForm`: every error at once), saved by the upsert
    service (`save(day, values)` → created?), the previous values kept in the history shown
    below it. `?day=` opens a day, prefilled when it has an entry."""
    today = app_today()
    if request.method == "POST":
        form = make_form(request.POST, today=today)
        if form.is_valid():
            day = form.cleaned_data["day"]
            try:
                created = save(day, form.values())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                when = date_format(day, "DATE_FORMAT")
                if created:
                    messages.success(request, _("The KPIs of %(day)s were saved.") % {"day": when})
                else:
                    messages.success(
                        request,
                        _(
                            "The KPIs of %(day)s were updated; the previous values are kept in "
                            "the history."
                        )
                        % {"day": when},
                    )
                return redirect(done_url(day))
        day = parse_day(request.POST.get("day"))
        existing = find_entry(day) if day else None
    else:
        day = parse_day(request.GET.get("day")) or default_day(today)
        existing = find_entry(day)
        initial = {"day": day}
        if existing is not None:
            initial.update({name: getattr(existing, name) for name in VALUE_FIELDS})
        form = make_form(initial=initial, today=today)
    return render(
        request,
        template_name,
        {
            **context(day),
            "form": form,
            "day": day,
            "existing": existing,
            "history": kpi_entry_history(existing) if existing else [],
            "today": today,
        },
    )


def kpi_csv_upload_page(
    request: HttpRequest,
    *,
    period: KpiPeriod,
    import_rows: Callable[[list], ImportResult],
    template_name: str,
    context: dict,
    done_url: str,
    find_entry: Callable[[date], KpiDay | None] | None = None,
) -> HttpResponse:
    """Upload a CSV of KPI days: every row checked by the one validator, all rows saved or
    none, each bad row shown with its line number. `import_rows` saves the parsed rows.

    A file that would change days already entered (`find_entry`) is not saved at once: the
    page lists each such day with its values before and after and asks to confirm; the
    parsed rows wait in the session under a hash of the file, and only the confirming POST
    (`confirm=<hash>`) saves them (issue 24: no upload replaces data by accident)."""
    errors, form, changes = [], KpiCsvUploadForm(), []
    token = ""
    if request.method == "POST" and request.POST.get("confirm"):
        token = request.POST["confirm"]
        stashed = request.session.get(_stash_key(period, token))
        if stashed is None:
            errors = [RowError(None, "file", _("This upload has expired. Upload the file again."))]
        else:
            rows = [(date.fromisoformat(day), values) for day, values in stashed]
            response = _import(request, import_rows, rows, done_url)
            if isinstance(response, HttpResponse):
                request.session.pop(_stash_key(period, token), None)
                return response
            errors = response
        token = ""
    elif request.method == "POST":
        form = KpiCsvUploadForm(request.POST, request.FILES)
        if form.is_valid():
            # Read one byte past the limit: enough to tell "too big" without reading it all.
            raw = form.cleaned_data["file"].read(MAX_UPLOAD_BYTES + 1)
            parsed = parse_kpi_csv(raw=raw, period=period, today=app_today())
            errors = parsed.errors
            if parsed.ok:
                rows = [(day, values) for _line, day, values in parsed.rows]
                changes = _changed_days(rows, find_entry) if find_entry else []
                if not changes:
                    response = _import(request, import_rows, rows, done_url)
                    if isinstance(response, HttpResponse):
                        return response
                    errors = response
                else:
                    token = hashlib.sha256(raw).hexdigest()[:32]
                    request.session[_stash_key(period, token)] = [
                        (day.isoformat(), {k: _plain(v) for k, v in values.items()})
                        for day, values in rows
                    ]
                    form = KpiCsvUploadForm()
    return render(
        request,
        template_name,
        {**context, "form": form, "errors": errors, "changes": changes, "confirm_token": token},
    )


def _stash_key(period: KpiPeriod, token: str) -> str:
    return f"kpi_csv:{type(period).__name__}:{period.pk}:{token}"


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value


@dataclass(frozen=True)
class DayChange:
    day: date
    fields: list[tuple[str, object, object]]  # (label, before, after)


def _changed_days(rows: list, find_entry: Callable[[date], KpiDay | None]) -> list[DayChange]:
    """The days the file would change, with each value before and after (a day that holds the
    same values is left out: replacing it changes nothing)."""
    changes = []
    for day, values in sorted(rows, key=lambda row: row[0]):
        entry = find_entry(day)
        if entry is None:
            continue
        fields = []
        for name in VALUE_FIELDS:
            if name not in values:
                continue
            before, after = getattr(entry, name), values[name]
            if _differs(before, after):
                label = capfirst(KpiDay._meta.get_field(name).verbose_name)
                fields.append((label, before, after))
        if fields:
            changes.append(DayChange(day=day, fields=fields))
    return changes


def _differs(before: object, after: object) -> bool:
    if isinstance(before, Decimal | int) and not isinstance(before, bool):
        try:
            return Decimal(str(before)) != Decimal(str(after or 0))
        except ArithmeticError:
            return True
    return (before or "") != (after or "")


def _import(request, import_rows, rows, done_url) -> HttpResponse | list[RowError]:
    try:
        result = import_rows(rows)
    except ValidationError as exc:
        # A concurrent change broke a rule between the check and the save.
        return [RowError(line=None, field="file", message=m) for m in exc.messages]
    messages.success(
        request,
        _("Saved from the file. New days: %(created)s; replaced days: %(updated)s.")
        % {"created": result.created, "updated": result.updated},
    )
    return redirect(done_url)


def csv_download(content: str, filename: str) -> HttpResponse:
    # A BOM so that Excel opens the UTF-8 file with the right characters.
    response = HttpResponse("\ufeff" + content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
