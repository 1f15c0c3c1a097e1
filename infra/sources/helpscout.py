"""Help Scout webhooks (Manage › Apps › Webhooks, or the Mailbox API 2.0).

`X-HelpScout-Signature` = base64(HMAC-SHA1(webhook secret, raw body)); the event name
is in `X-HelpScout-Event`. Help Scout signs no timestamp, so replays within the
delivery-dedupe window are absorbed by the delivery key and by deterministic event ids
rather than refused.
"""

from __future__ import annotations

import hashlib
from typing import Any

from infra.sources.base import Decoded, InboundRequest, IntegrationConfig, PayloadError
from infra.sources.helpscout_mapping import decode_helpscout
from infra.sources.payload_fields import aware_utc, body_digest
from infra.sources.webhook_auth import SHA1, required_header, verify_hmac_base64

SIGNATURE_HEADER = "X-HelpScout-Signature"
EVENT_HEADER = "X-HelpScout-Event"


class HelpScoutAdapter:
    source = "helpscout"

    def verify(self, request: InboundRequest, config: IntegrationConfig) -> None:
        signature = required_header(request, SIGNATURE_HEADER)
        verify_hmac_base64(config=config, message=request.body, given=signature, algorithm=SHA1)

    def delivery_key(self, request: InboundRequest) -> str:
        """Help Scout sends no delivery id header (its docs list only the event and the
        signature), so the key is the event name plus the body, which retries repeat."""
        event = (request.header(EVENT_HEADER) or "").strip()
        return "sha256:" + hashlib.sha256(event.encode() + b"\n" + request.body).hexdigest()

    def decode(self, request: InboundRequest, payload: Any) -> Decoded:
        event = (request.header(EVENT_HEADER) or "").strip()
        if not event:
            raise PayloadError(f"missing {EVENT_HEADER} header: the event name is not in the body")
        return decode_helpscout(
            event,
            payload,
            received_at=aware_utc(request.received_at),
            fingerprint=body_digest(request.body).removeprefix("sha256:")[:24],
        )
