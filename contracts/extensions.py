"""What contracts add to pages and e-mails of the apps below it, through `common.hooks`
(procurement and pilots never import contracts): the contracts' latest standings and alerts
in the weekly digest, and the vendor's standing history on the vendor page. Registered in
`ContractsConfig.ready()`."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from common import hooks
from common.emails import absolute_url
from procurement.standing import StandingNote, register_standing_provider

from .alerts import contract_alert_acknowledge, contract_alert_message
from .models import (
    Contract,
    ContractAlert,
    ContractAlertKind,
    ContractKpiEntry,
    ContractPeriod,
    ContractStatus,
    Standing,
)
from .selectors import contract_status, vendor_standing_history, with_latest_standing


def digest_section(manager, as_of: date) -> hooks.Section | None:
    """Running contracts with their latest standing (one query)."""
    contracts = list(
        with_latest_standing(Contract.objects.select_related("vendor"))
        .filter(status=ContractStatus.RUNNING, start_date__lte=as_of)
        .order_by("vendor__name", "pk")
    )
    contracts = [c for c in contracts if contract_status(c, as_of) == ContractStatus.RUNNING]
    # Contract alerts stand in the digest's one alerts list (pilots/digest.py), beside the
    # pilots'.
    alerts: list = []
    if not contracts:
        return None
    return hooks.Section(
        template_html="contracts/_digest_section.html",
        template_txt="contracts/_digest_section.txt",
        context={
            "contracts": [
                {
                    "contract": c,
                    "url": absolute_url(reverse("contracts:contract_detail", args=[c.pk])),
                }
                for c in contracts
            ],
            "alerts": [
                {"contract": a.contract, "message": contract_alert_message(a)} for a in alerts
            ],
        },
    )


def vendor_panel(vendor, user) -> hooks.Section | None:
    """The vendor's monthly standings over its contracts (the vendor page)."""
    history = vendor_standing_history(vendor.pk)
    return hooks.Section(
        template_html="contracts/_vendor_standing.html", context={"history": history}
    )


def contract_missing_days(yesterday: date) -> list[hooks.MissingDay]:
    """Running contracts whose yesterday was a contract day without an entry (one query)."""
    entered = ContractKpiEntry.objects.filter(contract_id=OuterRef("pk"), day=yesterday)
    contracts = (
        Contract.objects.filter(status=ContractStatus.RUNNING, start_date__lte=yesterday)
        .filter(~Exists(entered))
        .select_related("vendor")
        .only("id", "vendor__name", "vendor_id", "channel", "start_date", "months")
    )
    return [
        hooks.MissingDay(
            kind="contract",
            object_id=contract.pk,
            vendor_id=contract.vendor_id,
            day=yesterday,
            title=f"{contract.vendor.name} — {contract.get_channel_display()}",
            url=absolute_url(
                reverse("contracts:kpi_entry", args=[contract.pk]) + f"?day={yesterday.isoformat()}"
            ),
        )
        for contract in contracts
        if yesterday <= contract.end_date
    ]


def contract_standing(vendor_ids) -> dict[int, list[StandingNote]]:
    """docs/domain.md §6, last bullet: the vendor's latest closed contract month follows it into
    sourcing; a poor month warns when the vendor is invited (it never blocks). One query."""
    latest = (
        ContractPeriod.objects.filter(contract__vendor_id=OuterRef("contract__vendor_id"))
        .order_by("-month", "-pk")
        .values("pk")[:1]
    )
    periods = ContractPeriod.objects.filter(
        contract__vendor_id__in=vendor_ids, pk=Subquery(latest)
    ).select_related("contract")
    notes: dict[int, list[StandingNote]] = {}
    for period in periods:
        vendor_id = period.contract.vendor_id
        text = _("Latest contract month (%(channel)s, %(month)s): %(standing)s") % {
            "channel": period.contract.get_channel_display(),
            "month": formats.date_format(period.month, "YEAR_MONTH_FORMAT"),
            "standing": Standing(period.standing).label,
        }
        notes[vendor_id] = [
            StandingNote(
                source="contract",
                text=text,
                warns=period.standing == Standing.POOR,
                url=reverse("contracts:contract_detail", args=[period.contract_id]),
            )
        ]
    return notes


def _alert_rows(ids: list[int]) -> dict[int, hooks.AlertRow]:
    """The contracts' alerts in the one alerts list (one query)."""
    alerts = ContractAlert.objects.filter(pk__in=ids).select_related(
        "contract__vendor", "acknowledged_by"
    )
    return {
        alert.pk: hooks.AlertRow(
            id=f"contract-{alert.pk}",
            object_type="contract",
            object_id=alert.contract_id,
            kind=alert.kind,
            kind_label=str(alert.get_kind_display()),
            message=contract_alert_message(alert),
            opened_at=alert.opened_at,
            closed_at=alert.closed_at,
            acknowledged_at=alert.acknowledged_at,
            acknowledged_by=str(alert.acknowledged_by or ""),
            acknowledged_note=alert.acknowledged_note,
            object_label=_("Contract: %(vendor)s · %(channel)s")
            % {
                "vendor": alert.contract.vendor.name,
                "channel": alert.contract.get_channel_display(),
            },
            object_url=reverse("contracts:contract_detail", args=[alert.contract_id]),
            tone="danger" if alert.kind == ContractAlertKind.EXIT_REVIEW else "warning",
            needs_note=alert.kind == ContractAlertKind.EXIT_REVIEW,
            params=alert.params or {},
        )
        for alert in alerts
    }


def _alert_acknowledge(pk: int, *, by, note: str = "") -> None:
    contract_alert_acknowledge(alert=ContractAlert.objects.get(pk=pk), by=by, note=note)


ALERT_SOURCE = hooks.AlertSource(
    type="contract",
    queryset=lambda: ContractAlert.objects.all(),
    rows=_alert_rows,
    acknowledge=_alert_acknowledge,
)


def register() -> None:
    register_standing_provider("contracts", contract_standing)
    hooks.digest_sections.register(digest_section)
    hooks.vendor_panels.register(vendor_panel)
    hooks.missing_day_sources.register(contract_missing_days)
    hooks.alert_sources.register(ALERT_SOURCE)
