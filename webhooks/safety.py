"""Where a webhook may be sent (SSRF care): http or https only, and never to an address
inside the machine's own networks — link-local and cloud metadata addresses always refused,
private and loopback ones unless `WEBHOOKS_ALLOW_PRIVATE` (local development and tests).

The address is checked when the endpoint is saved and again at every send, and the request
goes to the very address that was checked (no second DNS look-up to rebind), with no
redirects followed.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

# AWS/GCP/Azure (169.254.169.254), AWS's IPv6 one, Alibaba: refused even when private
# addresses are allowed.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
ALLOWED_SCHEMES = ("http", "https")


class UnsafeUrl(Exception):
    """The URL may not be called; the message says why, in words."""


def _refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address in METADATA_ADDRESSES or address.is_link_local:
        return _("%(address)s is a link-local or cloud metadata address.") % {"address": address}
    if address.is_multicast or address.is_unspecified:
        return _("%(address)s is not an address a server answers on.") % {"address": address}
    if address.is_private or address.is_loopback:  # ::1 counts as reserved too: ask first
        if settings.WEBHOOKS_ALLOW_PRIVATE:
            return None
        return _("%(address)s is a private or loopback address.") % {"address": address}
    if address.is_reserved:
        return _("%(address)s is not an address a server answers on.") % {"address": address}
    return None


def split_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) or UnsafeUrl."""
    parts = urlsplit(url)
    if parts.scheme not in ALLOWED_SCHEMES:
        raise UnsafeUrl(_("Only http:// and https:// addresses can receive webhooks."))
    if parts.username or parts.password:
        raise UnsafeUrl(_("Put no user name or password in the address."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeUrl(_("The port of the address is not a number.")) from exc
    if not parts.hostname:
        raise UnsafeUrl(_("The address names no host."))
    return parts.scheme, parts.hostname, port


def checked_addresses(url: str) -> list[str]:
    """The IP addresses to send to (every one the host resolves to must be allowed)."""
    _scheme, host, port = split_url(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeUrl(_("The host %(host)s cannot be found.") % {"host": host}) from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for text in addresses:
        reason = _refusal(ipaddress.ip_address(text.split("%")[0]))
        if reason:
            raise UnsafeUrl(reason)
    return addresses
