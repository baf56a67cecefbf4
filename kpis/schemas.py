"""The API schemas every measured period shares (API.md): a day's KPIs in and out, and the
targets in and out. A pilot's and a contract's endpoints both use them."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from common.strict import BoundedText, Money, StrictDecimal, StrictInt

from .models import KpiDay
from .rules import s2


class TargetsIn(Schema):
    """Each may be left out: it then takes its default (a pilot's from the quote and its RFQ,
    else DOMAIN.md §5; a contract's from its pilot)."""

    csat_pct: Money | None = None
    frt_minutes: Money | None = None
    aht_minutes: Money | None = None
    fcr_pct: Money | None = None
    cost_per_ticket: Money | None = None


class TargetsOut(Schema):
    csat_pct: str
    frt_minutes: str
    aht_minutes: str
    fcr_pct: str
    cost_per_ticket: str


class KpiIn(Schema):
    """Read strictly (common.strict); the rules of a day are `KpiDayForm`'s, which the
    service runs (its messages name the field, e.g. "Use at most 2 decimal places.")."""

    tickets: StrictInt
    csat_responses: StrictInt
    csat_positive: StrictInt
    frt_minutes: StrictDecimal
    aht_minutes: StrictDecimal
    fcr_resolved: StrictInt
    cost: StrictDecimal
    reason: BoundedText | None = Field(
        None,
        description="Procurement, correcting a final day (one the decision was based on): why.",
    )


class KpiEntryOut(Schema):
    id: int
    date: dt.date
    tickets: int
    csat_responses: int
    csat_positive: int
    frt_minutes: str
    aht_minutes: str
    fcr_resolved: int
    cost: str

    @staticmethod
    def resolve_date(obj: KpiDay) -> dt.date:
        return obj.day

    @staticmethod
    def resolve_frt_minutes(obj: KpiDay) -> str:
        return s2(obj.frt_minutes)

    @staticmethod
    def resolve_aht_minutes(obj: KpiDay) -> str:
        return s2(obj.aht_minutes)

    @staticmethod
    def resolve_cost(obj: KpiDay) -> str:
        return s2(obj.cost)
