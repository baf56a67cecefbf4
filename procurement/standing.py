"""A vendor's standing in sourcing (docs/domain.md §6, last bullet): its last pilot verdict and,
once contracts exist, its latest monthly standing, shown wherever a vendor is invited.

Procurement sits below pilots and contracts and never imports them: those apps register a
provider here when they are ready (`AppConfig.ready`), and procurement asks the registry.
A provider takes vendor ids and answers, per vendor, the notes it knows of; a note that
`warns` makes inviting the vendor warn (it never blocks).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class StandingNote:
    source: str  # "pilot", "contract", …
    text: str | Promise  # translated, e.g. "Last pilot (E-mail, from 1 Mar 2026): Stop"
    warns: bool = False
    url: str = ""


StandingProvider = Callable[[Sequence[int]], Mapping[int, Sequence[StandingNote]]]

_providers: dict[str, StandingProvider] = {}


def register_standing_provider(name: str, provider: StandingProvider) -> None:
    """Called by pilots and contracts from `ready()`; registering a name twice replaces it."""
    _providers[name] = provider


def vendor_standings(vendor_ids: Iterable[int]) -> dict[int, list[StandingNote]]:
    """Every provider's notes per vendor id, in registration order (one query per provider,
    whatever the number of vendors)."""
    ids = sorted(set(vendor_ids))
    result: dict[int, list[StandingNote]] = {pk: [] for pk in ids}
    if not ids:
        return result
    for provider in _providers.values():
        for pk, notes in provider(ids).items():
            result.setdefault(pk, []).extend(notes)
    return result


def standing_warnings(vendors: Iterable) -> list[str]:
    """One warning per vendor whose standing warns (a stopped pilot, a poor month)."""
    vendors = list(vendors)
    standings = vendor_standings(v.pk for v in vendors)
    warnings = []
    for vendor in vendors:
        reasons = [str(n.text) for n in standings.get(vendor.pk, []) if n.warns]
        if reasons:
            warnings.append(
                _("Check %(vendor)s before it quotes: %(reasons)s.")
                % {"vendor": vendor.name, "reasons": "; ".join(reasons)}
            )
    return warnings
