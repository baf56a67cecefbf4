"""Default pilot targets from an awarded quote and its RFQ (DOMAIN.md §5).

- CSAT, FRT and FCR: the RFQ's `target_*` fields (which default to DOMAIN.md §5's 85 / 60 / 70).
- AHT: the RFQ's `target_aht_minutes`, else the handle time of the pilot's channel in the scope.
- Cost per ticket: the RFQ's `target_cost_per_ticket`, else what the quote costs per ticket
  the vendor handles on the pilot's channel (DOMAIN.md §5: `outsourced.monthly / handled`,
  without one-time costs). The pilot's KPI divides the vendor's cost by the tickets it
  handled, so a target over gross volume would fail a vendor billing exactly its quote
  whenever automation deflects contacts.

Only prefill values: procurement sees them in the form and may change every one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from costing.adapters import offer_for_quote, workload_for_channel, workload_for_rfq
from costing.engine import EngineInputError, cost_per_handled_ticket
from procurement.models import Quote, Rfq, RfqChannel

from .definitions import CORE_KEYS, EXTRA_KEYS, KPIS, NPS, kpi, tracked_keys
from .rules import AHT, COST, CSAT, FCR, FRT

ZERO = Decimal(0)

# DOMAIN.md §5 defaults for a pilot made without a quote (AHT and cost have none: the user
# must give them).
DEFAULT_TARGETS: dict[str, Decimal] = {
    CSAT: Decimal("85"),
    FRT: Decimal("60"),
    FCR: Decimal("70"),
}


@dataclass(frozen=True)
class QuoteDefaults:
    vendor_id: int
    channel: str | None
    targets: dict[str, Decimal]
    # Why a target stays empty (e.g. the quote has no pricing model): shown beside the form.
    notes: list[str] = field(default_factory=list)


def _scope_channels(rfq: Rfq) -> list[RfqChannel]:
    # Biggest volume first: a one-channel pilot usually tests the main channel.
    return sorted(rfq.channels.all(), key=lambda c: (-c.volume_per_month, c.channel))


def quote_cost_per_ticket(quote: Quote, *, channel: str | None = None) -> Decimal:
    """What the quote costs a month per handled ticket of the pilot's channel (full
    precision; the whole scope when the channel is not in it). Raises EngineInputError when
    the quote lacks what its pricing model needs."""
    rfq = quote.rfq
    in_scope = {c.channel: c for c in rfq.channels.all()}
    workload = (
        workload_for_channel(rfq, in_scope[channel])
        if channel in in_scope
        else workload_for_rfq(rfq)
    )
    return cost_per_handled_ticket(offer=offer_for_quote(quote, rfq), workload=workload)


def defaults_from_quote(quote: Quote, *, channel: str | None = None) -> QuoteDefaults:
    """Prefill for a pilot made from `quote` (select_related rfq; channels are read once)."""
    rfq = quote.rfq
    channels = _scope_channels(rfq)
    by_channel = {c.channel: c for c in channels}
    if channel is None and channels:
        channel = channels[0].channel
    targets: dict[str, Decimal] = {
        CSAT: rfq.target_csat_pct,
        FRT: rfq.target_frt_minutes,
        FCR: rfq.target_fcr_pct,
    }
    notes: list[str] = []
    if rfq.target_aht_minutes is not None:
        targets[AHT] = rfq.target_aht_minutes
    elif channel in by_channel:
        targets[AHT] = by_channel[channel].aht_minutes
    if rfq.target_cost_per_ticket is not None:
        targets[COST] = rfq.target_cost_per_ticket
    else:
        try:
            targets[COST] = quote_cost_per_ticket(quote, channel=channel).quantize(Decimal("0.01"))
        except EngineInputError as exc:
            notes.append(exc.field)
    return QuoteDefaults(vendor_id=quote.vendor_id, channel=channel, targets=targets, notes=notes)


# --- The tracked extra KPIs and the must-meet set (DOMAIN.md §5 library) -----------------------

# The plausible range of a target by unit: a percentage 0–100, NPS −100–100.
_NPS_RANGE = (Decimal(-100), Decimal(100))
_PCT_RANGE = (Decimal(0), Decimal(100))


def tracked_kpis_clean(
    *, extra_targets: Mapping[str, object] | None, must_meet: Iterable[str] | None
) -> tuple[dict[str, str], list[str]]:
    """The extras a period tracks ({key: target}) and its must-meet KPIs, checked against the
    KPI table: known extra keys, a target in range (two decimals), must-meet KPIs among the
    tracked ones (the five or a tracked extra). Returns them stored as the model keeps them
    ({key: "5.00"}, [keys] in the table's order); raises ValidationError naming
    `extra_targets` or `must_meet` with every problem."""
    errors: dict[str, list[str]] = {}
    extras: dict[str, str] = {}
    for key, raw in (extra_targets or {}).items():
        if key not in EXTRA_KEYS:
            errors.setdefault("extra_targets", []).append(
                _("%(key)s is not an extra KPI (choose from %(keys)s).")
                % {"key": key, "keys": ", ".join(EXTRA_KEYS)}
            )
            continue
        definition = kpi(key)
        try:
            target = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            target = None
        low, high = _NPS_RANGE if definition.key == NPS else _PCT_RANGE
        if target is None or not target.is_finite() or not low <= target <= high:
            errors.setdefault("extra_targets", []).append(
                _("The target of %(kpi)s must be a number from %(low)s to %(high)s.")
                % {"kpi": definition.label, "low": low, "high": high}
            )
            continue
        if target.as_tuple().exponent < -2:
            errors.setdefault("extra_targets", []).append(
                _("The target of %(kpi)s takes at most 2 decimal places.")
                % {"kpi": definition.label}
            )
            continue
        extras[key] = f"{target.quantize(Decimal('0.01')):.2f}"
    tracked = {*CORE_KEYS, *extras}
    unknown = [key for key in (must_meet or []) if key not in tracked]
    if unknown:
        errors["must_meet"] = [
            _("A must-meet KPI must be one the period tracks: %(keys)s is not.")
            % {"keys": ", ".join(str(k) for k in unknown)}
        ]
    if errors:
        raise ValidationError(
            {name: " ".join(str(m) for m in msgs) for name, msgs in errors.items()}
        )
    return {key: extras[key] for key in tracked_keys(extras)}, tracked_keys(must_meet or [])


def extra_default_targets(channel: str | None) -> dict[str, Decimal]:
    """The extras' default targets (DOMAIN.md §5 table) a form offers; the live-channel
    KPIs only for chat and phone."""
    return {
        k.key: k.default_target
        for k in KPIS
        if not k.core
        and k.default_target is not None
        and (not k.live_channels_only or channel in (None, "chat", "phone"))
    }
