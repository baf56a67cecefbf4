"""The API schemas every measured period shares (docs/api.md): a day's KPIs in and out, and the
targets in and out. A pilot's and a contract's endpoints both use them."""

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict, WithJsonSchema

from common.api import ObjectIn
from common.strict import BoundedText, Money

from .definitions import DAILY_FIELDS, DECIMAL, DECIMAL_FIELDS, KPIS, tracked_keys
from .rules import s2


class TargetsIn(ObjectIn):
    """Each may be left out: it then takes its default (a pilot's from the quote and its RFQ,
    else docs/domain.md §5; a contract's from its pilot)."""

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


def _schema(
    name: str,
    annotations: dict,
    namespace: dict | None = None,
    doc: str = "",
    base: type[Schema] = Schema,
):
    """A ninja Schema made from the KPI table (its metaclass sees the resolvers)."""
    body = {"__annotations__": annotations, "__module__": __name__, "__doc__": doc}
    body.update(namespace or {})
    return type(Schema)(name, (base,), body)


def _resolve_decimal(name: str):
    return staticmethod(lambda obj: s2(getattr(obj, name)))


# A day's KPIs in: every daily field of the KPI table, the core ones required, the extras'
# fields (and the QA sample) optional. The OpenAPI document types them; the values themselves
# are read by `KpiDayForm` (the one definition of a valid day, strict: JSON numbers or
# point-decimal strings, no booleans), which the service runs, so a wrong type and a broken
# cross-field rule answer together in one 422 (issue 24), each naming its field.
_KpiCount = Annotated[Any, WithJsonSchema({"type": "integer"})]
_KpiNumber = Annotated[Any, WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string"}]})]

KpiIn = _schema(
    "KpiIn",
    {
        **{f.name: _KpiNumber if f.kind == DECIMAL else _KpiCount for f in DAILY_FIELDS},
        "reason": BoundedText | None,
    },
    {
        "model_config": ConfigDict(
            json_schema_extra={"required": [f.name for f in DAILY_FIELDS if f.required]}
        ),
        **{f.name: None for f in DAILY_FIELDS},
        "reason": Field(
            None,
            description=(
                "Procurement, correcting a final day (one the decision was based on): why."
            ),
        ),
    },
    doc="One day's KPIs: the five core KPIs' fields, and optionally the extra KPIs' fields.",
    base=ObjectIn,
)

# A day's KPIs out: decimals as strings with two decimals (docs/api.md), an extra's field null
# when the day leaves it out.
KpiEntryOut = _schema(
    "KpiEntryOut",
    {
        "id": int,
        "date": dt.date,
        **{
            f.name: (str if f.kind == DECIMAL else int) if f.required else int | None
            for f in DAILY_FIELDS
        },
    },
    {
        "resolve_date": staticmethod(lambda obj: obj.day),
        **{f"resolve_{name}": _resolve_decimal(name) for name in DECIMAL_FIELDS},
    },
)


# --- A judged window (a pilot's scorecard, a contract's month), docs/api.md --------------------------


class IntervalOut(Schema):
    low: str
    high: str


def scorecard_kpi_schema():
    """One judged KPI: its pooled value, target, met; `interval` (Wilson 95%, the KPIs the
    table marks) and `reliable` where docs/domain.md gives a rule (else null); `must_meet`."""
    return _schema(
        "ScorecardKpiOut",
        {
            "value": str | None,
            "target": str,
            "met": bool,
            "interval": IntervalOut | None,
            "reliable": bool | None,
            "must_meet": bool,
        },
        {"interval": None, "reliable": None, "must_meet": False},
    )


ScorecardKpiOut = scorecard_kpi_schema()
_KPI_OUT = ScorecardKpiOut


def scorecard_kpis_schema():
    """Every KPI of the table: the five always, a tracked extra when the period tracks it
    (else left out of the answer)."""
    return _schema(
        "KpisOut",
        {k.key: _KPI_OUT if k.core else _KPI_OUT | None for k in KPIS},
        {k.key: Field(None, description=str(k.label)) for k in KPIS if not k.core},
        doc="The five core KPIs and the tracked extra KPIs (docs/domain.md §5).",
    )


def gap_schema():
    return _schema("GapOut", {"kpi": str, "gap": str | None, "remedy": str, "must_meet": bool})


KpisOut = scorecard_kpis_schema()
GapOut = gap_schema()


def scorecard_kpis_out(stored: dict) -> dict:
    """A stored KPI snapshot ({key: {"value", "target", "met", "interval": [low, high], …}})
    as the API answers it, in the table's order."""
    out = {}
    for key in tracked_keys(stored):
        data = stored[key]
        interval = data.get("interval")
        out[key] = {
            "value": data.get("value"),
            "target": data.get("target"),
            "met": bool(data.get("met")),
            "interval": {"low": interval[0], "high": interval[1]} if interval else None,
            "reliable": data.get("reliable"),
            "must_meet": bool(data.get("must_meet")),
        }
    return out


def gaps_out(missed: list[dict]) -> list[dict]:
    return [
        {
            "kpi": item["kpi"],
            "gap": item.get("gap"),
            "remedy": item["remedy"],
            "must_meet": bool(item.get("must_meet")),
        }
        for item in missed
    ]
