"""Sign and send helpdesk webhooks the way each vendor does (tests/fixtures/webhooks/README).

Every scheme is computed here from its published description, independently of the
adapters under test: a test that passes proves the adapter verifies what the vendor
really sends, not what the adapter itself would produce.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from httpx2 import Response
from starlette.testclient import TestClient

from infra.db.repositories.system import IntegrationRecord
from tests.fixtures import WEBHOOKS


@dataclass(frozen=True)
class Delivery:
    """One webhook request as a vendor would send it (before signing)."""

    payload: dict[str, Any]
    event: str = ""  # Help Scout's X-HelpScout-Event
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def body(self) -> bytes:
        return json.dumps(self.payload, ensure_ascii=False).encode()


def fixture(vendor: str, name: str) -> dict[str, Any]:
    """A real payload from tests/fixtures/webhooks (a fresh copy to modify)."""
    data: dict[str, Any] = json.loads((WEBHOOKS / vendor / name).read_text())
    return data


def zendesk_headers(secret: str, body: bytes, *, sent: float | None = None) -> dict[str, str]:
    """base64(HMAC-SHA256(secret, timestamp + body)), the timestamp in ISO 8601."""
    stamp = datetime.fromtimestamp(time.time() if sent is None else sent, UTC)
    text = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    mac = hmac.new(secret.encode(), text.encode() + body, hashlib.sha256).digest()
    return {
        "X-Zendesk-Webhook-Signature": base64.b64encode(mac).decode(),
        "X-Zendesk-Webhook-Signature-Timestamp": text,
    }


def intercom_headers(secret: str, body: bytes) -> dict[str, str]:
    """X-Hub-Signature: sha1=<hex HMAC-SHA1(client secret, body)>; no timestamp."""
    return {"X-Hub-Signature": "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()}


def chatwoot_headers(secret: str, body: bytes, *, sent: float | None = None) -> dict[str, str]:
    """sha256=<hex HMAC-SHA256(secret, "{timestamp}.{body}")>, unix-second timestamp."""
    stamp = str(int(time.time() if sent is None else sent))
    mac = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {
        "X-Chatwoot-Signature": f"sha256={mac}",
        "X-Chatwoot-Timestamp": stamp,
        "X-Chatwoot-Delivery": str(uuid.uuid4()),
    }


def helpscout_headers(secret: str, body: bytes, *, event: str) -> dict[str, str]:
    """X-HelpScout-Signature: base64(HMAC-SHA1(secret, body)); the event in a header."""
    mac = hmac.new(secret.encode(), body, hashlib.sha1).digest()
    return {"X-HelpScout-Signature": base64.b64encode(mac).decode(), "X-HelpScout-Event": event}


def freshdesk_headers(secret: str) -> dict[str, str]:
    """Freshdesk does not sign: the automation rule sends a shared-secret header."""
    return {"X-Fairscore-Token": secret}


def signed_headers(
    source: str, secret: str, body: bytes, *, event: str = "", sent: float | None = None
) -> dict[str, str]:
    match source:
        case "zendesk":
            headers = zendesk_headers(secret, body, sent=sent)
        case "intercom":
            headers = intercom_headers(secret, body)
        case "chatwoot":
            headers = chatwoot_headers(secret, body, sent=sent)
        case "helpscout":
            headers = helpscout_headers(secret, body, event=event)
        case "freshdesk":
            headers = freshdesk_headers(secret)
        case _:
            raise ValueError(source)
    return {"content-type": "application/json", **headers}


def send(
    client: TestClient,
    integration: IntegrationRecord,
    delivery: Delivery,
    *,
    secret: str | None = None,
    sent: float | None = None,
    body: bytes | None = None,
) -> Response:
    """POST a delivery, correctly signed unless told otherwise (another secret, a stale
    time, or a `body` that differs from the signed one)."""
    signed = delivery.body
    headers = signed_headers(
        integration.source,
        secret or integration.secret,
        signed,
        event=delivery.event,
        sent=sent,
    )
    headers.update(delivery.headers)
    path = f"/webhooks/{integration.source}/{integration.id}"
    return client.post(path, content=signed if body is None else body, headers=headers)
