"""Signature helpers shared by the Zendesk, Freshdesk and Help Scout adapters."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterable
from typing import Any

from infra.sources.base import (
    InboundRequest,
    IntegrationConfig,
    SignatureError,
    constant_time_equal,
)

Digest = Callable[[], Any]


def required_header(request: InboundRequest, name: str) -> str:
    value = request.header(name)
    if value is None or not value.strip():
        raise SignatureError(f"missing {name} header")
    return value.strip()


def candidate_secrets(config: IntegrationConfig) -> list[str]:
    """The integration secret plus `options["additional_secrets"]`.

    Zendesk gives every webhook its own signing secret, and an event-subscription webhook
    cannot also serve a trigger: a tenant that points both at one integration lists the
    second webhook's secret here (see docs/integrations/zendesk.md).
    """
    extra: Any = config.options.get("additional_secrets", ())
    secrets = [config.secret]
    if isinstance(extra, str):
        secrets.append(extra)
    elif isinstance(extra, Iterable):
        secrets.extend(s for s in extra if isinstance(s, str))
    return [s for s in secrets if s]


def hmac_base64(secret: str, message: bytes, algorithm: Digest) -> str:
    mac = hmac.new(secret.encode(), message, algorithm).digest()
    return base64.b64encode(mac).decode()


def verify_hmac_base64(
    *, config: IntegrationConfig, message: bytes, given: str, algorithm: Digest
) -> None:
    """Raise unless `given` is base64(HMAC(secret, message)) for one of the secrets."""
    matches = [
        constant_time_equal(hmac_base64(secret, message, algorithm), given)
        for secret in candidate_secrets(config)
    ]  # every secret is tried, so timing does not tell which one matched
    if not any(matches):
        raise SignatureError("signature mismatch")


SHA1: Digest = hashlib.sha1
SHA256: Digest = hashlib.sha256
