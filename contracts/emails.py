"""The monthly scorecard e-mail (DOMAIN.md §6): once to the managers and to the vendor's
users, each in their language; the vendor's version leaves out the internal notes. Both list
the open review actions. Rendered by `common.emails.make_message("contract-scorecard", …)`."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation

from accounts.models import Role, User
from common.emails import absolute_url, make_message
from kpis.definitions import tracked_keys
from kpis.presentation import KPI_LABELS, direction, format_kpi
from kpis.rules import KPI_KEYS

from .alerts import contract_alert_message
from .models import ContractAlert, ContractPeriod, Review
from .presentation import standing_label
from .selectors import open_review_actions

INTERNAL, VENDOR = "internal", "vendor"


def period_recipients(period: ContractPeriod) -> list[tuple[str, User]]:
    """(audience, user): every active manager, and the active users of the vendor."""
    managers = User.objects.filter(role=Role.MANAGER, is_active=True).order_by("pk")
    vendor_users = User.objects.filter(vendor_id=period.contract.vendor_id, is_active=True)
    return [(INTERNAL, u) for u in managers] + [(VENDOR, u) for u in vendor_users.order_by("pk")]


def _rows(period: ContractPeriod) -> list[dict]:
    rows = []
    for key in tracked_keys([*KPI_KEYS, *period.kpis]):  # the five and the tracked extras
        data = period.kpis.get(key, {})
        rows.append(
            {
                "label": str(KPI_LABELS[key]),
                "value": format_kpi(key, data.get("value")),
                "target": f"{direction(key)} {format_kpi(key, data.get('target'))}",
                "met": bool(data.get("met")),
            }
        )
    return rows


def period_messages(period: ContractPeriod) -> list[EmailMultiAlternatives]:
    """One message per audience and language among the recipients."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for audience, user in period_recipients(period):
        groups[(audience, user.language or settings.LANGUAGE_CODE)].append(user.email)
    if not groups:
        return []
    contract = period.contract
    actions = list(open_review_actions(contract))
    notes = list(
        Review.objects.filter(
            contract=contract, date__gte=period.date_from, date__lte=period.date_to
        )
        .exclude(notes="")
        .order_by("date")
    )
    alerts = list(ContractAlert.objects.filter(contract=contract, closed_at=None))
    url = absolute_url(reverse("contracts:contract_detail", args=[contract.pk]))
    messages = []
    for (audience, language), emails in sorted(groups.items()):
        with translation.override(language):
            context = {
                "period": period,
                "contract": contract,
                "vendor": contract.vendor,
                "rows": _rows(period),
                "standing": standing_label(period.standing),
                "actions": actions,
                "internal": audience == INTERNAL,
                # Internal only: the review notes of the month and the open contract alerts.
                "reviews": notes if audience == INTERNAL else [],
                "alerts": [contract_alert_message(a) for a in alerts]
                if audience == INTERNAL
                else [],
                "url": url,
            }
        messages.append(
            make_message("contract-scorecard", to=emails, context=context, language=language)
        )
    return messages
