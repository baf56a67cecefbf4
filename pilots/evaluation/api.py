"""Scorecard and alert endpoints of docs/api.md (the evaluation work)."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from accounts.permissions import EVERYONE, INTERNAL, MANAGERS, check_role
from common.api import ApiValidationError, bounded_limit_offset_pagination
from common.strict import BoundedText
from kpis import rules as kpis
from kpis.schemas import GapOut, KpisOut, gaps_out, scorecard_kpis_out
from pilots.models import Scorecard
from pilots.selectors import get_pilot_for_user

from .alert_list import AlertList, alert_acknowledge_by_id, parse_alert_id
from .selectors import scorecards_for_pilot

router = Router(tags=["evaluation"])


class WindowOut(Schema):
    from_: date = Field(..., alias="from")
    to: date


class ScorecardOut(Schema):
    id: int
    checkpoint_day: int
    window: WindowOut
    kpis: KpisOut
    met_count: int
    data_coverage_pct: str
    verdict: str | None
    # On a stop: each missed KPI with its gap and the usual remedy (docs/domain.md §5).
    gaps: list[GapOut]
    created_at: datetime
    emailed_at: datetime | None
    # docs/domain.md §5: a final day corrected after the scorecard was made (null: never).
    data_changed_at: datetime | None


class AlertObjectOut(Schema):
    type: str  # "pilot" or "contract"
    id: int


class AlertOut(Schema):
    """One alert of the one list (docs/domain.md §5, §6). `id` is "pilot-12" or "contract-5":
    unique across the pilots' and the contracts' alerts (see `alert_list`)."""

    id: str
    kind: str
    object: AlertObjectOut
    message: str
    opened_at: datetime
    acknowledged_at: datetime | None
    params: dict

    @staticmethod
    def resolve_object(row) -> dict:
        return {"type": row.object_type, "id": row.object_id}


class AcknowledgeIn(Schema):
    note: BoundedText


def scorecard_out(card: Scorecard) -> dict:
    """docs/api.md: window {from, to}; each KPI {value, target, met, interval, reliable,
    must_meet}, the tracked extras beside the five; a stop's gaps; decimals as strings."""
    return {
        "id": card.pk,
        "checkpoint_day": card.checkpoint_day,
        "window": {"from": card.window_from, "to": card.window_to},
        "kpis": scorecard_kpis_out(card.kpis),
        "gaps": gaps_out((card.details or {}).get("missed", [])),
        "met_count": card.met_count,
        "data_coverage_pct": kpis.s2(card.data_coverage_pct),
        "verdict": card.verdict,
        "created_at": card.created_at,
        "emailed_at": card.emailed_at,
        "data_changed_at": card.data_changed_at,
    }


@router.get(
    "/pilots/{id}/scorecards",
    response=list[ScorecardOut],
    by_alias=True,
    exclude_unset=True,  # an extra KPI the pilot does not track is left out of `kpis`
    summary="Every scorecard made for a pilot",
)
def list_scorecards(request: HttpRequest, id: int):  # noqa: A002 - docs/api.md names it {id}
    """Procurement, managers and the pilot's own vendor; another vendor's pilot is 404."""
    check_role(request.auth, EVERYONE)
    pilot = get_pilot_for_user(request.auth, id)
    return [scorecard_out(card) for card in scorecards_for_pilot(pilot=pilot)]


@router.get("/alerts", response=list[AlertOut], summary="Open alerts, newest first")
@paginate(bounded_limit_offset_pagination())
def list_alerts(request: HttpRequest):
    """Procurement and managers; vendors get 403. The open alerts of pilots and contracts,
    newest first, a page at a time (`limit`, `offset`): `{"items": [...], "count": N}`."""
    check_role(request.auth, INTERNAL)
    return AlertList("open")


@router.post(
    "/alerts/{id}/acknowledge",
    response={200: AlertOut},
    summary="Acknowledge an alert with a note",
)
def acknowledge_alert(request: HttpRequest, id: str, payload: AcknowledgeIn):  # noqa: A002
    """Managers. `id` as listed ("pilot-12", "contract-5"); an unknown id is 404. The note
    is required and kept with the alert; an exit review closes only this way, and its note
    goes into the contract's review log."""
    check_role(request.auth, MANAGERS)
    note = payload.note.strip()
    if not note:
        raise ApiValidationError({"note": "Write a note: what was seen or decided."})
    try:
        alert_acknowledge_by_id(id, by=request.auth, note=note)
    except ValidationError as exc:
        raise ApiValidationError.from_django(exc) from None
    source, pk = parse_alert_id(id)
    return source.rows([pk])[pk]
