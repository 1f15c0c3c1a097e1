"""Zendesk webhooks: event subscriptions (`zen:event-type:ticket.*`) and trigger webhooks.

Both are signed the same way (developer.zendesk.com/documentation/webhooks/verifying):
`X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(signing secret as text,
timestamp + raw body)), with the ISO 8601 timestamp in
`X-Zendesk-Webhook-Signature-Timestamp`. Requests older or newer than five minutes are
rejected so a captured request cannot be replayed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.json_nesting import DEFAULT_MAX_DEPTH, JsonInputError, loads
from infra.sources.base import Decoded, InboundRequest, IntegrationConfig, SignatureError
from infra.sources.payload_fields import aware_utc, body_digest, to_utc
from infra.sources.webhook_auth import SHA256, required_header, verify_hmac_base64
from infra.sources.zendesk_mapping import EVENT_PREFIX, decode_zendesk

SIGNATURE_HEADER = "X-Zendesk-Webhook-Signature"
TIMESTAMP_HEADER = "X-Zendesk-Webhook-Signature-Timestamp"
TOLERANCE = timedelta(minutes=5)


class ZendeskAdapter:
    source = "zendesk"

    def verify(self, request: InboundRequest, config: IntegrationConfig) -> None:
        signature = required_header(request, SIGNATURE_HEADER)
        timestamp = required_header(request, TIMESTAMP_HEADER)
        sent_at = _parse_timestamp(timestamp)
        verify_hmac_base64(
            config=config,
            message=timestamp.encode() + request.body,
            given=signature,
            algorithm=SHA256,
        )
        if abs(aware_utc(request.received_at) - sent_at) > TOLERANCE:
            raise SignatureError("timestamp outside the 5-minute tolerance")

    def delivery_key(self, request: InboundRequest) -> str:
        """The event envelope `id` (the same on every retry); trigger bodies have none,
        and their bytes do not change between retries, so their hash is the key."""
        envelope_id = _envelope_id(request.body)
        return f"zendesk-event:{envelope_id}" if envelope_id else body_digest(request.body)

    def decode(self, request: InboundRequest, payload: Any) -> Decoded:
        return decode_zendesk(payload)


def _parse_timestamp(text: str) -> datetime:
    try:
        return to_utc(text)
    except (TypeError, ValueError):  # to_utc's only errors, out-of-range times included
        raise SignatureError(f"{TIMESTAMP_HEADER} is not an ISO 8601 time: {text[:40]!r}") from None


def _envelope_id(body: bytes) -> str | None:
    # Intake has already refused bodies past its JSON_MAX_DEPTH; one accepted under a
    # larger setting is keyed by its hash, which every retry repeats just as well.
    try:
        document = loads(body, max_depth=DEFAULT_MAX_DEPTH)
    except JsonInputError:
        return None
    if not isinstance(document, dict):
        return None
    kind, envelope_id = document.get("type"), document.get("id")
    if isinstance(kind, str) and kind.startswith(EVENT_PREFIX) and isinstance(envelope_id, str):
        return envelope_id or None
    return None
