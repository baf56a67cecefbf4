"""Domain events, so a higher room (webhooks) hears what a lower one does without the lower
room importing it (docs/architecture.md): a service calls `emit(EVENT, [data, …])` inside its
transaction, and every listener registered into `listeners` (from an AppConfig.ready())
is called there and then, in the same transaction: what it writes is rolled back with the
event, and what it sends it sends after the commit.

`data` holds ids and key fields only (JSON-safe: str, int, bool, None), never model instances.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .hooks import Hook

QUOTE_SUBMITTED = "quote.submitted"
KPI_DAY_SAVED = "kpi_day.saved"
SCORECARD_READY = "scorecard.ready"
AWARD_APPROVED = "award.approved"
CONTRACT_MONTH_CLOSED = "contract_month.closed"
ALERT_OPENED = "alert.opened"

EVENT_TYPES: tuple[str, ...] = (
    QUOTE_SUBMITTED,
    KPI_DAY_SAVED,
    SCORECARD_READY,
    AWARD_APPROVED,
    CONTRACT_MONTH_CLOSED,
    ALERT_OPENED,
)

# Callables `(event_type, [data, …]) -> None`.
listeners = Hook("event_listeners")


def emit(event_type: str, items: Iterable[Mapping[str, object]]) -> None:
    """One event per item (a batch of new alerts is one call, so a listener writes once)."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    items = [dict(item) for item in items]
    if not items:
        return
    for listener in listeners:
        listener(event_type, items)
