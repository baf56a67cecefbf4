"""The KPI-day page pieces a pilot and a contract share (DOMAIN.md §6: a contract's vendor
enters its days exactly as in a pilot): the CSV upload page and the CSV download."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from common.dates import app_today

from .csv_import import MAX_UPLOAD_BYTES, RowError, parse_kpi_csv
from .forms import KpiCsvUploadForm
from .kpi_days import ImportResult, KpiPeriod


def kpi_csv_upload_page(
    request: HttpRequest,
    *,
    period: KpiPeriod,
    import_rows: Callable[[list], ImportResult],
    template_name: str,
    context: dict,
    done_url: str,
) -> HttpResponse:
    """Upload a CSV of KPI days: every row checked by the one validator, all rows saved or
    none, each bad row shown with its line number. `import_rows` saves the parsed rows."""
    errors, form = [], KpiCsvUploadForm()
    if request.method == "POST":
        form = KpiCsvUploadForm(request.POST, request.FILES)
        if form.is_valid():
            # Read one byte past the limit: enough to tell "too big" without reading it all.
            raw = form.cleaned_data["file"].read(MAX_UPLOAD_BYTES + 1)
            parsed = parse_kpi_csv(raw=raw, period=period, today=app_today())
            errors = parsed.errors
            if parsed.ok:
                try:
                    result = import_rows([(day, values) for _line, day, values in parsed.rows])
                except ValidationError as exc:
                    # A concurrent change broke a rule between the check and the save.
                    errors = [RowError(line=None, field="file", message=m) for m in exc.messages]
                else:
                    messages.success(
                        request,
                        _("Saved from the file. New days: %(created)s; replaced days: %(updated)s.")
                        % {"created": result.created, "updated": result.updated},
                    )
                    return redirect(done_url)
    return render(request, template_name, {**context, "form": form, "errors": errors})


def csv_download(content: str, filename: str) -> HttpResponse:
    # A BOM so that Excel opens the UTF-8 file with the right characters.
    response = HttpResponse("\ufeff" + content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
