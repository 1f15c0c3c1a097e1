"""Chatwoot webhook source: account webhooks (Settings → Integrations → Webhooks).

Chatwoot ≥ 4.11.2 signs each delivery: `X-Chatwoot-Signature: sha256=<hex>` is the
HMAC-SHA256 of `"{X-Chatwoot-Timestamp}.{raw body}"` keyed with the webhook's secret,
and `X-Chatwoot-Delivery` is a UUID that Sidekiq retries reuse. Older versions send
nothing to verify, so unsigned requests pass only with the explicit
`allow_unsigned` option on the integration.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from infra.sources.base import (
    Decoded,
    InboundRequest,
    IntegrationConfig,
    SignatureError,
    constant_time_equal,
)
from infra.sources.chatwoot_mapping import decode_event
from infra.sources.payload_fields import aware_utc, body_digest

SIGNATURE_HEADER = "X-Chatwoot-Signature"
TIMESTAMP_HEADER = "X-Chatwoot-Timestamp"
DELIVERY_HEADER = "X-Chatwoot-Delivery"
TOLERANCE = timedelta(minutes=5)


class ChatwootAdapter:
    source = "chatwoot"

    def verify(self, request: InboundRequest, config: IntegrationConfig) -> None:
        signature = request.header(SIGNATURE_HEADER)
        if not signature:
            if config.options.get("allow_unsigned") is True:
                return  # the tenant opted in: a Chatwoot older than 4.11.2 cannot sign
            raise SignatureError(
                f"missing {SIGNATURE_HEADER} header: Chatwoot signs webhooks from version "
                "4.11.2; upgrade, or set the integration option allow_unsigned to accept "
                "unsigned deliveries"
            )
        if not config.secret:
            raise SignatureError("the Chatwoot integration has no webhook secret configured")
        timestamp = request.header(TIMESTAMP_HEADER)
        if not timestamp:
            raise SignatureError(f"missing {TIMESTAMP_HEADER} header")
        check_fresh(timestamp, request.received_at)
        check_signature(signature, timestamp, request.body, config.secret)

    def delivery_key(self, request: InboundRequest) -> str:
        return request.header(DELIVERY_HEADER) or body_digest(request.body)

    def decode(self, request: InboundRequest, payload: Any) -> Decoded:
        return decode_event(payload, request)


def check_fresh(timestamp: str, received_at: datetime) -> None:
    try:
        sent_at = datetime.fromtimestamp(int(timestamp.strip()), UTC)
    except (ValueError, OverflowError, OSError):
        raise SignatureError(
            f"{TIMESTAMP_HEADER} must be unix seconds, got {timestamp!r}"
        ) from None
    if abs(aware_utc(received_at) - sent_at) > TOLERANCE:
        raise SignatureError(
            f"{TIMESTAMP_HEADER} is more than 5 minutes away from the time it was received "
            "(a replayed or delayed request, or a clock out of sync)"
        )


def check_signature(header: str, timestamp: str, body: bytes, secret: str) -> None:
    scheme, _, given = header.strip().partition("=")
    if scheme.lower() != "sha256" or not given:
        raise SignatureError(f"{SIGNATURE_HEADER} must look like 'sha256=<hex digest>'")
    signed = timestamp.encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    if not constant_time_equal(expected, given.lower()):
        raise SignatureError(
            f"{SIGNATURE_HEADER} does not match the timestamp and body signed with the "
            "webhook secret"
        )


if TYPE_CHECKING:
    from infra.sources.base import SourceAdapter

    _conforms: SourceAdapter = ChatwootAdapter()
