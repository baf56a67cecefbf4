"""Extension points, so a lower app can show what a higher one knows without importing it
(the layers of docs/architecture.md): the higher app registers in its AppConfig.ready().

- `missing_day_sources`: callables `(yesterday) -> Iterable[MissingDay]`, for the next-morning
  reminders (pilots registers its own, contracts its own).
- `digest_sections`: callables `(manager, as_of) -> DigestSection | None`, for the weekly digest.
- `vendor_panels`: callables `(vendor, user) -> VendorPanel | None`, shown on the vendor page.
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

    kind: str  # "pilot" or "contract"
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
