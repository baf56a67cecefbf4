"""The audit trail page and its CSV export: access check → filter form → selector → page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.permissions import role_required
from common.csvsafe import localized_csv
from common.formats import format_datetime

from . import presentation
from .forms import AuditFilterForm
from .models import Action
from .selectors import ROLES, Cursor, audit_export, audit_page

CSV_CHUNK = 500


def _cursor(request: HttpRequest, name: str) -> Cursor | None:
    return Cursor.parse(request.GET.get(name, ""))


def _query_without_cursor(request: HttpRequest) -> str:
    query = request.GET.copy()
    for name in ("before", "after"):
        query.pop(name, None)
    return query.urlencode()


def _rows(events):
    actions = dict(Action.choices)
    for event in events:
        yield {
            "event": event,
            "action": actions.get(event.action, event.action),
            "object_type": presentation.object_type_label(event.object_type),
            "detail": presentation.detail_label(event.detail),
            "changes": presentation.change_rows(event),
        }


@role_required(ROLES)
def event_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None, vendor_view=request.user.is_vendor)
    filters = form.filters()
    page = audit_page(
        user=request.user,
        filters=filters,
        before=_cursor(request, "before"),
        after=_cursor(request, "after"),
    )
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "rows": list(_rows(page.events)),
            "page": page,
            "query": _query_without_cursor(request),
        },
    )


@role_required(ROLES)
def event_csv(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None, vendor_view=request.user.is_vendor)
    filters = form.filters()
    actions = dict(Action.choices)
    header = [
        _("When"),
        _("Who"),
        _("What"),
        _("Object"),
        _("Object number"),
        _("Object name"),
        _("Changes"),
        _("Reason"),
        _("Detail"),
        _("IP address"),
    ]

    language = translation.get_language()

    def chunks():
        # Streamed after the view returns: keep the user's language (labels, separators).
        with translation.override(language):
            yield from _chunks()

    def _chunks():
        batch: list[list] = [header]
        first = True
        for event in audit_export(user=request.user, filters=filters, chunk=CSV_CHUNK):
            batch.append(
                [
                    format_datetime(event.at),
                    event.actor_email,
                    str(actions.get(event.action, event.action)),
                    presentation.object_type_label(event.object_type),
                    event.object_id,
                    event.object_repr,
                    presentation.changes_text(event),
                    event.reason,
                    presentation.detail_label(event.detail),
                    event.ip_address or "",
                ]
            )
            if len(batch) >= CSV_CHUNK:
                yield localized_csv(batch, byte_order_mark=first)
                batch, first = [], False
        if batch or first:
            yield localized_csv(batch, byte_order_mark=first)

    stamp = timezone.localdate().isoformat()
    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    return response
