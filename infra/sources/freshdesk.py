"""Freshdesk automation-rule webhooks ("Trigger webhook" action).

Freshdesk does not sign webhooks. The rule instead sends a shared secret the admin
types in: a custom header (default `X-Fairscore-Token`, `options["header"]` to rename
it) or HTTP Basic auth whose password is the secret (`options["auth"] = "basic"`, the
rule's "Requires authentication" box). Either way the request body is unauthenticated
beyond that secret, so the endpoint must only ever be reached over HTTPS.
"""

from __future__ import annotations

import base64
from typing import Any

from infra.sources.base import (
    Decoded,
    InboundRequest,
    IntegrationConfig,
    SignatureError,
    constant_time_equal,
)
from infra.sources.freshdesk_mapping import decode_freshdesk
from infra.sources.payload_fields import aware_utc, body_digest
from infra.sources.webhook_auth import candidate_secrets, required_header

DEFAULT_HEADER = "X-Fairscore-Token"
AUTH_MODES = ("header", "basic")


class FreshdeskAdapter:
    source = "freshdesk"

    def verify(self, request: InboundRequest, config: IntegrationConfig) -> None:
        mode = config.options.get("auth", "header")
        if mode == "header":
            header = str(config.options.get("header") or DEFAULT_HEADER)
            _check_secret(required_header(request, header), config, what=f"{header} header")
        elif mode == "basic":
            _check_secret(_basic_password(request), config, what="Basic auth password")
        else:
            raise SignatureError(f"Freshdesk auth mode {mode!r} is not one of {AUTH_MODES}")

    def delivery_key(self, request: InboundRequest) -> str:
        # No delivery id is sent; a retry resends the same rendered bytes.
        return body_digest(request.body)

    def decode(self, request: InboundRequest, payload: Any) -> Decoded:
        return decode_freshdesk(
            payload,
            received_at=aware_utc(request.received_at),
            body_fingerprint=body_digest(request.body).removeprefix("sha256:")[:24],
        )


def _check_secret(given: str, config: IntegrationConfig, *, what: str) -> None:
    matches = [constant_time_equal(secret, given) for secret in candidate_secrets(config)]
    if not any(matches):
        raise SignatureError(f"{what} does not match the integration secret")


def _basic_password(request: InboundRequest) -> str:
    header = required_header(request, "Authorization")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        raise SignatureError("Authorization header is not HTTP Basic")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except ValueError:  # binascii.Error, UnicodeDecodeError, or non-ASCII text
        raise SignatureError("Authorization header has malformed Basic credentials") from None
    _, sep, password = decoded.partition(":")
    if not sep:
        raise SignatureError("Authorization header has malformed Basic credentials")
    return password
