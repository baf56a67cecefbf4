"""How contract standings and months are named and shown (one home for each label)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import ContractStatus, Standing

STANDING_BADGES = {
    Standing.GOOD: "text-bg-success",
    Standing.WATCH: "text-bg-warning",
    Standing.POOR: "text-bg-danger",
}
STATUS_BADGES = {
    ContractStatus.RUNNING: "text-bg-primary",
    ContractStatus.ENDED: "text-bg-secondary",
    ContractStatus.TERMINATED: "text-bg-dark",
}


def standing_label(code: str | None) -> str:
    if not code:
        return _("No month closed yet")
    return str(Standing(code).label)


def status_label(code: str) -> str:
    return str(ContractStatus(code).label)
