"""The `generic` source: canonical events signed as Standard Webhooks.

Signature: `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`,
keyed with the base64-decoded secret (after its `whsec_` prefix); several
space-separated signatures are allowed so a sender can rotate secrets.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import Any

from domain.event_fields import EventError
from domain.events import parse_batch, to_json
from infra.sources.base import (
    Decoded,
    InboundRequest,
    IntegrationConfig,
    PayloadError,
    SignatureError,
    constant_time_equal,
)

TOLERANCE_SECONDS = 300


def signing_key(secret: str) -> bytes:
    encoded = secret.removeprefix("whsec_")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("integration secret is not a valid whsec_ secret") from None


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `v1,<base64>` signature of a message (used by senders and tests)."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(signing_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


class GenericAdapter:
    source = "generic"

    def __init__(self, tolerance_seconds: int = TOLERANCE_SECONDS) -> None:
        self.tolerance = tolerance_seconds

    def verify(self, request: InboundRequest, config: IntegrationConfig) -> None:
        msg_id = request.header("webhook-id")
        stamp = request.header("webhook-timestamp")
        signatures = request.header("webhook-signature")
        if not msg_id or not stamp or not signatures:
            raise SignatureError(
                "missing webhook-id, webhook-timestamp or webhook-signature header"
            )
        try:
            timestamp = int(stamp)
        except ValueError:
            raise SignatureError("webhook-timestamp must be unix seconds") from None
        # Whole seconds in int arithmetic: a float of a 400-digit stamp would overflow.
        if abs(int(request.received_at.timestamp()) - timestamp) > self.tolerance:
            raise SignatureError("webhook-timestamp is outside the 5-minute tolerance")
        expected = sign(config.secret, msg_id, timestamp, request.body).split(",", 1)[1]
        for candidate in signatures.split():
            version, _, value = candidate.partition(",")
            if version == "v1" and constant_time_equal(expected, value):
                return
        raise SignatureError("no webhook-signature matches the body")

    def delivery_key(self, request: InboundRequest) -> str:
        return request.header("webhook-id") or ""

    def decode(self, request: InboundRequest, payload: Any) -> Decoded:
        try:
            events = parse_batch(payload)
        except EventError as exc:
            raise PayloadError(str(exc)) from None
        return Decoded(events=[to_json(e) for e in events])
