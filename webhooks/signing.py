"""The signature of a delivery: HMAC-SHA256 with the endpoint's secret over
`"<unix timestamp>.<body>"`, sent as `X-VendorPilot-Signature: t=<timestamp>,v1=<hex>`.

The timestamp is inside the signed text, so a receiver that refuses a timestamp older than a
few minutes refuses a replayed request too (README: "Verifying a webhook").
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-VendorPilot-Signature"
EVENT_HEADER = "X-VendorPilot-Event"
DELIVERY_HEADER = "X-VendorPilot-Delivery"
EVENT_ID_HEADER = "X-VendorPilot-Event-Id"
DEFAULT_TOLERANCE_SECONDS = 300


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(*, secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret=secret, timestamp=timestamp, body=body)}"


def verify(
    *,
    secret: str,
    header: str,
    body: bytes,
    now: int,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does (a Python receiver may copy this function): the header's parts,
    a fresh timestamp, and a constant-time comparison of any `v1` signature."""
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _sep, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret=secret, timestamp=timestamp, body=body)
    return any(hmac.compare_digest(expected, given) for given in parts.get("v1", []))
