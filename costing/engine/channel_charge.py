"""What a vendor bills a month for one channel of a multi-channel scope (docs/domain.md §5: the
pilot's default cost target; §6: a contract's default `monthly_charge`).

The channel carries its own variable charge (hours or tickets of that channel) and a share of
the vendor's fixed monthly charges (a subscription or mixed fee, licences, the vendor's
management fee, monthly other fees), split over the channels by their share of handled
contacts. The offer passed in must hold what the vendor bills only: the buyer's own vendor
management and QA (`management_per_month` of docs/domain.md §2) is no vendor charge. One-time
costs are left out. Full precision; round at output.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from costing.engine.numbers import EngineInputError, precise
from costing.engine.tco import VendorOffer, outsourced_cost
from costing.engine.workload import Scope, Workload


@dataclass(frozen=True)
class ChannelCharge:
    variable_monthly: Decimal  # the channel's own hours or tickets at the quote's rate
    fixed_share_monthly: Decimal  # its handled share of the vendor's fixed monthly charges
    handled: Decimal  # contacts the vendor handles on the channel a month

    @property
    def monthly(self) -> Decimal:
        return self.variable_monthly + self.fixed_share_monthly

    @property
    def cost_per_ticket(self) -> Decimal:
        """`(variable charge + share of fixed charges) / handled` (docs/domain.md §5)."""
        return self.monthly / self.handled


@precise
def channel_monthly_charge(*, offer: VendorOffer, scope: Scope, index: int | None) -> ChannelCharge:
    """The vendor's monthly charge for `scope.channels[index]` (`index` None: the whole
    scope, for a channel outside it). Raises EngineInputError when the channel handles no
    contacts (nothing to divide by) or the offer lacks what its pricing model needs."""
    whole = outsourced_cost(offer=offer, workload=scope, months=1)
    channel: Scope | Workload
    if index is None:
        channel, own, share = scope, whole, Decimal(1)
    else:
        channel = scope.channels[index]
        own = outsourced_cost(offer=offer, workload=channel, months=1)
        share = channel.handled / scope.handled if channel.handled > 0 else Decimal(0)
    if channel.handled <= 0:
        raise EngineInputError(
            "automation_deflection_pct", "leaves no handled contacts to divide the cost by"
        )
    return ChannelCharge(
        variable_monthly=own.variable_monthly,
        fixed_share_monthly=whole.fixed_monthly * share,
        handled=channel.handled,
    )
