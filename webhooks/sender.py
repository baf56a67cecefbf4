"""One HTTP POST of a delivery, to the address `safety` checked, with a timeout on the
connection and on every read, no redirects followed, and only the start of the answer kept.

The standard library's http.client (not `requests`): it lets the connection go to the checked
IP while TLS still verifies the certificate of the host name, and it follows no redirect.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from .safety import checked_addresses, split_url

EXCERPT_BYTES = 1000


@dataclass(frozen=True)
class Answer:
    status_code: int | None  # None: no HTTP answer (refused, timed out, unsafe)
    excerpt: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(*, url: str, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """Raises UnsafeUrl (the caller records it); network failures are an Answer."""
    scheme, host, port = split_url(url)
    address = checked_addresses(url)[0]
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if scheme == "https":
        connection = http.client.HTTPSConnection(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)

    def pinned(_address, timeout=timeout, source_address=None):
        # Connect to the checked address; Host and TLS (SNI, certificate) keep the name.
        return socket.create_connection((address, port), timeout, source_address)

    connection._create_connection = pinned
    try:
        connection.request(
            "POST",
            target,
            body=body,
            headers={**headers, "Content-Type": "application/json", "User-Agent": "VendorPilot"},
        )
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_BYTES).decode("utf-8", errors="replace")
        return Answer(status_code=response.status, excerpt=excerpt)
    except TimeoutError:
        return Answer(status_code=None, error=f"timed out after {timeout:g} s")
    except (OSError, http.client.HTTPException) as exc:
        return Answer(status_code=None, error=f"{type(exc).__name__}: {exc}"[:300])
    finally:
        connection.close()
