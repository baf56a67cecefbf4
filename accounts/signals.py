"""Signals accounts sends for rooms above it to record (the audit trail), so accounts never
imports them."""

from django.dispatch import Signal

# An API token authenticated a request: `token` (ApiToken), `request` (or None). Sent at most
# once per token per API_TOKEN_TOUCH_SECONDS, when its last use is written, so a busy
# integration adds one row every few minutes rather than one per request.
api_token_used = Signal()
