"""The navigation each role sees. Every entry names a URL that its app must provide."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str]


NAVIGATION: tuple[NavItem, ...] = (
    NavItem(
        _("RFQs"), "procurement:rfq_list", frozenset({Role.PROCUREMENT, Role.MANAGER, Role.ADMIN})
    ),
    NavItem(_("Vendors"), "procurement:vendor_list", frozenset({Role.PROCUREMENT, Role.ADMIN})),
    NavItem(
        _("Calculator"),
        "costing:calculator",
        frozenset({Role.PROCUREMENT, Role.MANAGER, Role.ADMIN}),
    ),
    NavItem(
        _("Pilots"), "pilots:pilot_list", frozenset({Role.PROCUREMENT, Role.MANAGER, Role.ADMIN})
    ),
    NavItem(
        _("Alerts"), "pilots:alert_list", frozenset({Role.PROCUREMENT, Role.MANAGER, Role.ADMIN})
    ),
    NavItem(
        _("Awards"),
        "procurement:award_proposal_list",
        frozenset({Role.PROCUREMENT, Role.MANAGER, Role.ADMIN}),
    ),
    NavItem(
        _("Contracts"),
        "contracts:contract_list",
        frozenset({Role.PROCUREMENT, Role.MANAGER, Role.ADMIN}),
    ),
    # Managers and administrators: every line; a vendor: the trail of its own objects.
    NavItem(
        _("Audit trail"), "audit:event_list", frozenset({Role.MANAGER, Role.ADMIN, Role.VENDOR})
    ),
    NavItem(_("Webhooks"), "webhooks:endpoint_list", frozenset({Role.ADMIN})),
    NavItem(_("My invitations"), "procurement:portal", frozenset({Role.VENDOR})),
    NavItem(_("My pilots"), "pilots:vendor_pilot_list", frozenset({Role.VENDOR})),
    NavItem(_("My contracts"), "contracts:contract_list", frozenset({Role.VENDOR})),
)


def items_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    return [
        {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name}
        for item in NAVIGATION
        if user.role in item.roles
    ]
