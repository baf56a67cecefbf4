"""Default pilot targets from an awarded quote and its RFQ (docs/domain.md §5).

Defaults come from the scope line of the pilot's own channel: a chat pilot from a chat +
e-mail RFQ gets the chat line's targets, never the e-mail ones.

- CSAT and FCR: the RFQ's `target_*` fields (which default to docs/domain.md §5's 85 / 70).
- FRT: the required response time of the pilot's channel in the scope, else the RFQ's
  `target_frt_minutes` (default 60).
- AHT: the RFQ's `target_aht_minutes`, else the handle time of the pilot's channel in the scope.
- Cost per ticket: the RFQ's `target_cost_per_ticket`, else what the vendor bills per ticket
  it handles on the pilot's channel: `(the channel's variable charge + its handled share of
  the vendor's fixed monthly charges) / handled`, without one-time costs and without the
  buyer's own management (`costing.engine.channel_charge`). The pilot's KPI divides the
  vendor's cost by the tickets it handled, so a vendor billing exactly its quote meets it and
  one billing 5% more does not.

Only prefill values: procurement sees them in the form and may change every one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from costing.adapters import offer_for_quote, rfq_channels, workload_for_rfq
from costing.engine import EngineInputError
from costing.engine.channel_charge import ChannelCharge, channel_monthly_charge
from procurement.models import Quote, Rfq, RfqChannel

from .definitions import CORE_KEYS, EXTRA_KEYS, KPIS, NPS, kpi, tracked_keys
from .rules import AHT, COST, CSAT, FCR, FRT

ZERO = Decimal(0)

# docs/domain.md §5 defaults for a pilot made without a quote (AHT and cost have none: the user
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


def quote_channel_charge(quote: Quote, *, channel: str | None = None) -> ChannelCharge:
    """What the vendor bills a month for the pilot's (or contract's) channel, and the contacts
    it handles there (full precision; the whole scope when the channel is not in it). Only
    the vendor's charges: the RFQ's own management (docs/domain.md §2 `management_per_month`, the
    buyer's vendor management and QA) is left out. Raises EngineInputError when the quote
    lacks what its pricing model needs."""
    rfq = quote.rfq
    offer = offer_for_quote(quote, rfq)
    vendor_only = replace(offer, management_per_month=quote.management_fee_per_month or ZERO)
    positions = [c.channel for c in rfq_channels(rfq)]
    index = positions.index(channel) if channel in positions else None
    return channel_monthly_charge(offer=vendor_only, scope=workload_for_rfq(rfq), index=index)


def quote_cost_per_ticket(quote: Quote, *, channel: str | None = None) -> Decimal:
    """docs/domain.md §5: the default cost target, full precision (see `quote_channel_charge`)."""
    return quote_channel_charge(quote, channel=channel).cost_per_ticket


def defaults_from_quote(quote: Quote, *, channel: str | None = None) -> QuoteDefaults:
    """Prefill for a pilot made from `quote` (select_related rfq; channels are read once)."""
    rfq = quote.rfq
    channels = _scope_channels(rfq)
    by_channel = {c.channel: c for c in channels}
    if channel is None and channels:
        channel = channels[0].channel
    line = by_channel.get(channel)
    targets: dict[str, Decimal] = {
        CSAT: rfq.target_csat_pct,
        # docs/domain.md §5: the pilot channel's own required response time, else 60.
        FRT: rfq.target_frt_minutes
        if line is None or line.sla_response_minutes is None
        else line.sla_response_minutes,
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


# --- The tracked extra KPIs and the must-meet set (docs/domain.md §5 library) -----------------------

# The plausible range of a target by unit: a percentage 0–100, NPS −100–100.
_NPS_RANGE = (Decimal(-100), Decimal(100))
_PCT_RANGE = (Decimal(0), Decimal(100))


def extra_target_range(key: str) -> tuple[Decimal, Decimal]:
    """The least and most an extra KPI's target may be: NPS −100 to 100, a percentage 0 to 100."""
    return _NPS_RANGE if key == NPS else _PCT_RANGE


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
        low, high = extra_target_range(definition.key)
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
    """The extras' default targets (docs/domain.md §5 table) a form offers; the live-channel
    KPIs only for chat and phone."""
    return {
        k.key: k.default_target
        for k in KPIS
        if not k.core
        and k.default_target is not None
        and (not k.live_channels_only or channel in (None, "chat", "phone"))
    }
