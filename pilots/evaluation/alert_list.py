"""The one alerts list (docs/domain.md §5 and §6): the pilots' alerts and every room's registered
in `common.hooks.alert_sources` (contracts'), newest first, for the alerts page, the badge,
the weekly digest and `GET /api/v1/alerts`.

Ids: an alert's id in the list is "<type>-<pk>" ("pilot-12", "contract-5"), so a pilot's
and a contract's alert never share one although each room keeps its own table (and its own
"one open alert per cause" constraint). A bare number ("12") still names a pilot alert, as
before contracts joined the list.

The rooms' tables are read as one: a UNION of (type, id, opened_at) sorted and cut to the
page in the database, then the page's rows fetched per room (a constant number of queries).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import CharField, QuerySet, Value
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from common import hooks
from common.queries import count_up_to
from pilots.models import Alert, AlertKind

from .alerts import alert_acknowledge, alert_message

PILOT = "pilot"
STATUSES = ("open", "closed", "all")


def _pilot_rows(ids: list[int]) -> dict[int, hooks.AlertRow]:
    alerts = Alert.objects.filter(pk__in=ids).select_related("pilot__vendor", "acknowledged_by")
    rows = {}
    for alert in alerts:
        link_url = link_label = ""
        if alert.kind == AlertKind.CHECKPOINT_REACHED:
            link_url = reverse("pilots:scorecard_detail", args=[alert.pilot_id, alert.key])
            link_label = _("Open the scorecard")
        rows[alert.pk] = hooks.AlertRow(
            id=f"{PILOT}-{alert.pk}",
            object_type=PILOT,
            object_id=alert.pilot_id,
            kind=alert.kind,
            kind_label=str(alert.get_kind_display()),
            message=alert_message(alert),
            opened_at=alert.opened_at,
            closed_at=alert.closed_at,
            acknowledged_at=alert.acknowledged_at,
            acknowledged_by=str(alert.acknowledged_by or ""),
            acknowledged_note=alert.acknowledged_note,
            object_label=f"{alert.pilot.vendor.name} · {alert.pilot.get_channel_display()}",
            object_url=reverse("pilots:scorecard_list", args=[alert.pilot_id]),
            link_url=link_url,
            link_label=link_label,
            tone=(
                "primary"
                if alert.kind == AlertKind.CHECKPOINT_REACHED
                else "danger"
                if alert.kind in (AlertKind.EVALUATION_FAILED, AlertKind.EMAIL_FAILED)
                else "warning"
            ),
            params=alert.params or {},
        )
    return rows


def _pilot_acknowledge(pk: int, *, by, note: str = "") -> None:
    alert_acknowledge(alert=Alert.objects.get(pk=pk), by=by, note=note)


PILOT_SOURCE = hooks.AlertSource(
    type=PILOT,
    queryset=lambda: Alert.objects.all(),
    rows=_pilot_rows,
    acknowledge=_pilot_acknowledge,
)


def alert_sources() -> list[hooks.AlertSource]:
    return [PILOT_SOURCE, *hooks.alert_sources]


def _filtered(queryset: QuerySet, status: str) -> QuerySet:
    if status == "open":
        return queryset.filter(closed_at__isnull=True)
    if status == "closed":
        return queryset.filter(closed_at__isnull=False)
    return queryset


class AlertList:
    """Every room's alerts newest first, lazily: `count()` and slicing run in the database,
    so Django's Paginator and ninja's limit/offset pagination take it as a QuerySet."""

    def __init__(self, status: str = "open"):
        self.status = status if status in STATUSES else "open"
        self._sources = {s.type: s for s in alert_sources()}

    def _keys(self) -> QuerySet:
        parts = [
            _filtered(source.queryset(), self.status)
            .order_by()
            .annotate(object_type=Value(kind, output_field=CharField()))
            .values_list("object_type", "id", "opened_at")
            for kind, source in self._sources.items()
        ]
        first, *rest = parts
        keys = first.union(*rest, all=True) if rest else first
        return keys.order_by("-opened_at", "-object_type", "-id")

    def all(self) -> AlertList:
        return self

    def count(self, cap: int | None = None) -> int:
        """How many, counted no further than `cap + 1` when given (`count_up_to`)."""
        total = sum(
            count_up_to(_filtered(s.queryset(), self.status), cap) for s in self._sources.values()
        )
        return total if cap is None else min(total, cap + 1)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[hooks.AlertRow]:
        if not isinstance(index, slice):
            raise TypeError("AlertList takes a slice")
        keys = list(self._keys()[index])
        by_type: dict[str, list[int]] = {}
        for object_type, pk, _opened in keys:
            by_type.setdefault(object_type, []).append(pk)
        rows = {
            (object_type, pk): row
            for object_type, ids in by_type.items()
            for pk, row in self._sources[object_type].rows(ids).items()
        }
        return [rows[(t, pk)] for t, pk, _o in keys if (t, pk) in rows]

    def __iter__(self) -> Iterator[hooks.AlertRow]:
        return iter(self[:])


def parse_alert_id(alert_id: str) -> tuple[hooks.AlertSource, int]:
    """ "contract-5" → (contracts' source, 5); "pilot-12" or "12" → (pilots', 12). Http404
    for anything else, as for an unknown id."""
    kind, _sep, number = str(alert_id).rpartition("-")
    kind = kind or PILOT
    sources = {s.type: s for s in alert_sources()}
    if kind not in sources or not number.isascii() or not number.isdigit() or len(number) > 18:
        raise Http404
    return sources[kind], int(number)


def alert_acknowledge_by_id(alert_id: str, *, by, note: str = "") -> None:
    """Acknowledge any room's alert by its list id. Http404 for an unknown id; the room's
    PermissionDenied or ValidationError({"note": …}) when refused."""
    source, pk = parse_alert_id(alert_id)
    model = source.queryset().model
    try:
        source.acknowledge(pk, by=by, note=note)
    except model.DoesNotExist:
        raise Http404 from None
