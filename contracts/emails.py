"""The monthly scorecard e-mail (docs/domain.md §6): once to each manager and each of the vendor's
users, in their language; the vendor's version leaves out the internal notes. Both list the
open review actions. Rendered by `common.emails.make_message("contract-scorecard", …)` and
queued in the outbox (`common.outbox`): one message per recipient, so a vendor user's refused
copy never sends the managers' again."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Case, DateTimeField, Value, When
from django.urls import reverse
from django.utils import translation

from accounts.models import Role, User
from common import outbox
from common.emails import absolute_url, make_message
from common.models import OutboxMessage
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


KIND = "contract_scorecard"


def period_emails_enqueue(*, period_ids: Sequence[int]) -> list[OutboxMessage]:
    """Queue each month's scorecard e-mail for each recipient (once per month and recipient),
    rendered once per audience and language."""
    drafts = []
    periods = ContractPeriod.objects.select_related("contract__vendor").filter(
        pk__in=list(period_ids)
    )
    for period in periods.order_by("pk"):
        recipients = period_recipients(period)
        cache: dict[tuple[str, str], EmailMultiAlternatives] = {}

        def render(audience, user, *, period=period, cache=cache, unsubscribe_url=None):
            key = (audience, user.language or settings.LANGUAGE_CODE)
            if key not in cache:
                (cache[key],) = period_messages(period, groups={key: [user.email]})
            return cache[key]

        drafts += [
            outbox.Draft(
                cause=f"period:{period.pk}",
                recipient=user,
                render=partial(render, audience, user),
                object_id=period.pk,
            )
            for audience, user in recipients
        ]
    return outbox.enqueue(KIND, drafts)


def _settled(settled: list[outbox.Settled]) -> None:
    """`emailed_at` once every message of the month went (or failed for good): one UPDATE
    for the batch's months."""
    sent = [s for s in settled if s.sent]
    if sent:
        ContractPeriod.objects.filter(pk__in=[s.object_id for s in sent], emailed_at=None).update(
            emailed_at=Case(
                *[When(pk=s.object_id, then=Value(s.last_sent_at)) for s in sent],
                output_field=DateTimeField(),
            )
        )


outbox.on_settled_many(KIND, _settled)


def period_messages(
    period: ContractPeriod, *, groups: dict[tuple[str, str], list[str]] | None = None
) -> list[EmailMultiAlternatives]:
    """One message per (audience, language) group of addresses (default: the recipients)."""
    if groups is None:
        groups = defaultdict(list)
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
