"""Default pilot targets from an awarded quote and its RFQ (DOMAIN.md §5).

- CSAT, FRT and FCR: the RFQ's `target_*` fields (which default to DOMAIN.md §5's 85 / 60 / 70).
- AHT: the RFQ's `target_aht_minutes`, else the handle time of the pilot's channel in the scope.
- Cost per ticket: the RFQ's `target_cost_per_ticket`, else the quote's TCO cost per ticket,
  computed by the pure costing engine over the RFQ's whole scope and term (DOMAIN.md §2:
  `cost_per_ticket = tco / (volume_per_month × months)`).

Only prefill values: procurement sees them in the form and may change every one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from costing.comparison import estimate_for_quote
from costing.engine import EngineInputError
from procurement.models import Quote, Rfq, RfqChannel

from .kpis import AHT, COST, CSAT, FCR, FRT

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


def quote_cost_per_ticket(quote: Quote) -> Decimal:
    """The quote's TCO cost per ticket over its RFQ's scope and term (full precision), priced
    exactly as on the comparison page. Raises EngineInputError when the quote lacks what its
    pricing model needs."""
    rfq = quote.rfq
    result = estimate_for_quote(quote=quote, rfq=rfq, months=rfq.term_months)
    return result.outsourced.cost_per_ticket


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
            targets[COST] = quote_cost_per_ticket(quote).quantize(Decimal("0.01"))
        except EngineInputError as exc:
            notes.append(exc.field)
    return QuoteDefaults(vendor_id=quote.vendor_id, channel=channel, targets=targets, notes=notes)
