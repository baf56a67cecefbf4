"""What contracts add to pages and e-mails of the apps below it, through `common.hooks`
(procurement and pilots never import contracts): the contracts' latest standings and alerts
in the weekly digest, and the vendor's standing history on the vendor page. Registered in
`ContractsConfig.ready()`."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef
from django.urls import reverse

from common import hooks
from common.emails import absolute_url

from .alerts import contract_alert_message
from .models import Contract, ContractAlert, ContractKpiEntry, ContractStatus
from .selectors import contract_status, vendor_standing_history, with_latest_standing


def digest_section(manager, as_of: date) -> hooks.Section | None:
    """Running contracts with their latest standing, and the open contract alerts (two
    queries)."""
    contracts = list(
        with_latest_standing(Contract.objects.select_related("vendor"))
        .filter(status=ContractStatus.RUNNING, start_date__lte=as_of)
        .order_by("vendor__name", "pk")
    )
    contracts = [c for c in contracts if contract_status(c, as_of) == ContractStatus.RUNNING]
    alerts = list(
        ContractAlert.objects.filter(closed_at__isnull=True)
        .select_related("contract__vendor")
        .order_by("-opened_at")[:50]
    )
    if not contracts and not alerts:
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


def register() -> None:
    hooks.digest_sections.register(digest_section)
    hooks.vendor_panels.register(vendor_panel)
    hooks.missing_day_sources.register(contract_missing_days)
