"""Intercom webhook source: signed notifications from a Developer Hub app.

Intercom signs the raw body with HMAC-SHA1 keyed by the app's client secret and sends
`X-Hub-Signature: sha1=<hex>`. There is no timestamp, so replays are harmless only
because deliveries dedupe on the notification `id` and events on their ids.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Any

from domain.json_nesting import DEFAULT_MAX_DEPTH, JsonInputError, loads
from infra.sources.base import (
    Decoded,
    InboundRequest,
    IntegrationConfig,
    SignatureError,
    constant_time_equal,
)
from infra.sources.intercom_mapping import decode_notification
from infra.sources.payload_fields import body_digest

SIGNATURE_HEADER = "X-Hub-Signature"


class IntercomAdapter:
    source = "intercom"

    def verify(self, request: InboundRequest, config: IntegrationConfig) -> None:
        if not config.secret:
            raise SignatureError("the Intercom integration has no client secret configured")
        header = request.header(SIGNATURE_HEADER)
        if not header:
            raise SignatureError(f"missing {SIGNATURE_HEADER} header")
        scheme, _, given = header.strip().partition("=")
        if scheme.lower() != "sha1" or not given:
            raise SignatureError(f"{SIGNATURE_HEADER} must look like 'sha1=<hex digest>'")
        # SHA-1 is Intercom's choice, not ours; as an HMAC it is still unforgeable.
        expected = hmac.new(config.secret.encode(), request.body, hashlib.sha1).hexdigest()
        if not constant_time_equal(expected, given.lower()):
            raise SignatureError(
                f"{SIGNATURE_HEADER} does not match the body signed with the app's client secret"
            )

    def delivery_key(self, request: InboundRequest) -> str:
        """The notification id (`notif_…`), which Intercom keeps across retries; else the
        body's hash (also for a body nested past the default depth: retries repeat it)."""
        try:
            document = loads(request.body, max_depth=DEFAULT_MAX_DEPTH)
        except JsonInputError:
            return body_digest(request.body)
        notification_id = document.get("id") if isinstance(document, dict) else None
        if isinstance(notification_id, str) and notification_id:
            return notification_id
        return body_digest(request.body)

    def decode(self, request: InboundRequest, payload: Any) -> Decoded:
        return decode_notification(payload)


if TYPE_CHECKING:
    from infra.sources.base import SourceAdapter

    _conforms: SourceAdapter = IntercomAdapter()
