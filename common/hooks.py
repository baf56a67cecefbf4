"""Extension points, so a lower app can show what a higher one knows without importing it
(the layers of docs/architecture.md): the higher app registers in its AppConfig.ready().

- `missing_day_sources`: callables `(yesterday) -> Iterable[MissingDay]`, for the next-morning
  reminders (pilots registers its own, contracts its own).
- `digest_sections`: callables `(manager, as_of) -> DigestSection | None`, for the weekly digest.
- `vendor_panels`: callables `(vendor, user) -> VendorPanel | None`, shown on the vendor page.
- `alert_sources`: `AlertSource`s whose alerts join the pilots' in the one alerts list (page,
  badge, digest, API); contracts registers its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date


class Hook:
    def __init__(self, name: str):
        self.name = name
        self._callbacks: list[Callable] = []

    def register(self, callback: Callable) -> Callable:
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def __iter__(self) -> Iterator[Callable]:
        return iter(list(self._callbacks))


@dataclass(frozen=True)
class MissingDay:
    """One thing (a pilot, a contract) lacking yesterday's entry, for its vendor's users."""

    kind: str  # "pilot" or "contract": part of the sent-log key
    object_id: int
    vendor_id: int
    day: date
    title: str  # e.g. "Alpha Contact — E-mail"
    url: str  # where to enter the day (absolute)


@dataclass
class Section:
    """A block of an e-mail or a page rendered by the app that knows it."""

    template_html: str
    template_txt: str = ""
    context: dict = field(default_factory=dict)


missing_day_sources = Hook("missing_day_sources")
digest_sections = Hook("digest_sections")
vendor_panels = Hook("vendor_panels")


@dataclass(frozen=True)
class AlertRow:
    """One alert of the one alerts list (page, badge, digest, `GET /api/v1/alerts`), whatever
    room it belongs to. `id` is "<type>-<pk>" ("pilot-12", "contract-5"): unambiguous
    between the rooms' alert tables."""

    id: str
    object_type: str  # "pilot" or "contract"
    object_id: int
    kind: str
    kind_label: str
    message: str
    opened_at: object  # datetime
    closed_at: object = None
    acknowledged_at: object = None
    acknowledged_by: str = ""
    acknowledged_note: str = ""
    object_label: str = ""
    object_url: str = ""
    link_url: str = ""  # e.g. the scorecard a checkpoint alert announces
    link_label: str = ""
    tone: str = "warning"  # the badge colour: "warning", "danger" or "primary"
    needs_note: bool = False  # acknowledging asks for a note (a contract's exit review)
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class AlertSource:
    """A room's alerts in the one list (registered by contracts; pilots' own are built in).

    - `queryset()`: every alert of the room, a QuerySet with `id`, `opened_at`, `closed_at`.
    - `rows(ids)`: {pk: AlertRow} for those alerts, in a constant number of queries.
    - `acknowledge(pk, by=…, note=…)`: records it (the model's DoesNotExist for an unknown
      pk; PermissionDenied or ValidationError({"note": …}) when refused).
    """

    type: str
    queryset: Callable
    rows: Callable
    acknowledge: Callable


alert_sources = Hook("alert_sources")
