"""Chatwoot adapter: signature, freshness, unsigned opt-in, delivery key, fixtures, errors."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.events import parse_event
from infra.sources.base import InboundRequest, IntegrationConfig, PayloadError, SignatureError
from infra.sources.chatwoot import ChatwootAdapter
from tests.fixtures import WEBHOOKS

FIXTURES = WEBHOOKS / "chatwoot"
SECRET = "kq8dXrYJ2vB1nE3p"  # Chatwoot generates the secret; the receiver stores it verbatim
NOW = datetime(2023, 10, 11, 4, 5, tzinfo=UTC)
adapter = ChatwootAdapter()
config = IntegrationConfig(secret=SECRET)


def signed(
    body: bytes, *, secret: str = SECRET, sent: datetime = NOW, received: datetime = NOW
) -> InboundRequest:
    timestamp = str(int(sent.timestamp()))
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    headers = {
        "x-chatwoot-signature": f"sha256={mac.hexdigest()}",
        "x-chatwoot-timestamp": timestamp,
        "x-chatwoot-delivery": "5c0f5a2e-8a8e-4a8e-9c55-3f1c8f3f0d11",
    }
    return InboundRequest(headers, body, received)


def without(request: InboundRequest, *names: str) -> InboundRequest:
    headers = {k: v for k, v in request.headers.items() if k not in names}
    return InboundRequest(headers, request.body, request.received_at)


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / f"{name}.json").read_bytes()


# --- signature (Chatwoot ≥ 4.11.2) -------------------------------------------------------


def test_accepts_a_signature_over_timestamp_dot_body() -> None:
    adapter.verify(signed(fixture_bytes("message_created.incoming.captured-whatsapp")), config)


def test_accepts_a_fixed_vector() -> None:
    # HMAC-SHA256(key="secret", "1700000000.{}"), computed with Python's hmac module.
    body, timestamp = b"{}", "1700000000"
    expected = hmac.new(b"secret", b"1700000000.{}", hashlib.sha256).hexdigest()
    headers = {"x-chatwoot-signature": f"sha256={expected}", "x-chatwoot-timestamp": timestamp}
    at = datetime.fromtimestamp(1_700_000_000, UTC)
    adapter.verify(InboundRequest(headers, body, at), IntegrationConfig(secret="secret"))


def test_rejects_a_signature_made_with_another_secret() -> None:
    with pytest.raises(SignatureError, match="does not match"):
        adapter.verify(signed(b'{"event": "message_created"}', secret="other"), config)


def test_rejects_a_tampered_body() -> None:
    request = signed(b'{"event": "conversation_status_changed", "status": "open"}')
    tampered = InboundRequest(request.headers, request.body.replace(b"open", b"resolved"), NOW)
    with pytest.raises(SignatureError, match="does not match"):
        adapter.verify(tampered, config)


def test_rejects_a_swapped_timestamp() -> None:
    request = signed(b"{}")
    headers = dict(request.headers) | {"x-chatwoot-timestamp": str(int(NOW.timestamp()) + 1)}
    with pytest.raises(SignatureError, match="does not match"):
        adapter.verify(InboundRequest(headers, request.body, NOW), config)


@pytest.mark.parametrize("offset", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_rejects_a_timestamp_more_than_five_minutes_away(offset: timedelta) -> None:
    with pytest.raises(SignatureError, match="more than 5 minutes"):
        adapter.verify(signed(b"{}", sent=NOW + offset), config)


@pytest.mark.parametrize("offset", [timedelta(minutes=-5), timedelta(minutes=5)])
def test_accepts_a_timestamp_within_five_minutes(offset: timedelta) -> None:
    adapter.verify(signed(b"{}", sent=NOW + offset), config)


def test_rejects_a_missing_timestamp() -> None:
    with pytest.raises(SignatureError, match="missing X-Chatwoot-Timestamp"):
        adapter.verify(without(signed(b"{}"), "x-chatwoot-timestamp"), config)


def test_rejects_a_timestamp_that_is_not_unix_seconds() -> None:
    request = signed(b"{}")
    headers = dict(request.headers) | {"x-chatwoot-timestamp": "2023-10-11T04:05:00Z"}
    with pytest.raises(SignatureError, match="unix seconds"):
        adapter.verify(InboundRequest(headers, request.body, NOW), config)


@pytest.mark.parametrize("header", ["abcdef", "sha1=abcdef", "sha256="])
def test_rejects_a_malformed_signature_header(header: str) -> None:
    request = signed(b"{}")
    headers = dict(request.headers) | {"x-chatwoot-signature": header}
    with pytest.raises(SignatureError, match="sha256=<hex digest>"):
        adapter.verify(InboundRequest(headers, request.body, NOW), config)


# --- unsigned deliveries (Chatwoot < 4.11.2) ---------------------------------------------


def test_rejects_an_unsigned_request_by_default() -> None:
    unsigned = InboundRequest({}, b"{}", NOW)
    with pytest.raises(SignatureError, match="allow_unsigned"):
        adapter.verify(unsigned, config)


def test_accepts_an_unsigned_request_after_the_explicit_opt_in() -> None:
    opted_in = IntegrationConfig(secret=SECRET, options={"allow_unsigned": True})
    adapter.verify(InboundRequest({}, b"{}", NOW), opted_in)


@pytest.mark.parametrize("value", ["true", 1, "yes", None])
def test_only_a_real_true_opts_in(value: Any) -> None:
    loose = IntegrationConfig(secret=SECRET, options={"allow_unsigned": value})
    with pytest.raises(SignatureError, match="missing X-Chatwoot-Signature"):
        adapter.verify(InboundRequest({}, b"{}", NOW), loose)


def test_the_opt_in_still_rejects_a_bad_signature() -> None:
    opted_in = IntegrationConfig(secret=SECRET, options={"allow_unsigned": True})
    with pytest.raises(SignatureError, match="does not match"):
        adapter.verify(signed(b"{}", secret="other"), opted_in)


# --- delivery key ------------------------------------------------------------------------


def test_delivery_key_is_the_delivery_header() -> None:
    assert adapter.delivery_key(signed(b"{}")) == "5c0f5a2e-8a8e-4a8e-9c55-3f1c8f3f0d11"


def test_delivery_key_without_the_header_is_a_hash_of_the_body() -> None:
    body = fixture_bytes("conversation_status_changed.captured-whatsapp")
    key = adapter.delivery_key(InboundRequest({}, body, NOW))
    assert key == "sha256:" + hashlib.sha256(body).hexdigest()
    assert key == adapter.delivery_key(InboundRequest({}, body, NOW + timedelta(minutes=3)))
    assert key != adapter.delivery_key(InboundRequest({}, body + b"\n", NOW))


# --- the captured fixtures (self-hosted Chatwoot 3.x, WhatsApp inbox) -------------------


def decode(body: bytes, received: datetime = NOW) -> list[dict[str, Any]]:
    decoded = adapter.decode(InboundRequest({}, body, received), json.loads(body))
    assert decoded.ignored is None
    for event in decoded.events:
        parse_event(event)
    return decoded.events


def test_incoming_whatsapp_message_is_a_public_customer_message() -> None:
    assert decode(fixture_bytes("message_created.incoming.captured-whatsapp")) == [
        {
            "type": "ticket.message",
            "id": "25:message:17547",
            "occurred_at": "2023-10-11T04:02:51.319000Z",
            "ticket_id": "25",
            "message_id": "17547",
            "author_type": "customer",
            "author_id": "89",
            "public": True,
        }
    ]


def test_status_change_without_a_change_time_is_dated_by_its_receipt() -> None:
    # Chatwoot 3.x sends no `updated_at`: the receive time dates the change and the
    # body fingerprint (identical on retries) keys it.
    body = fixture_bytes("conversation_status_changed.captured-whatsapp")
    events = decode(body)
    assert events == [
        {
            "type": "ticket.status_changed",
            "id": "24:status:open:" + hashlib.sha256(body).hexdigest()[:16],
            "occurred_at": "2023-10-11T04:05:00Z",
            "ticket_id": "24",
            "status": "open",
        }
    ]
    assert [e["id"] for e in decode(body, NOW + timedelta(seconds=30))] == [events[0]["id"]]


# --- ignored events and payload errors ---------------------------------------------------


@pytest.mark.parametrize(
    "event", ["webwidget_triggered", "contact_created", "contact_updated", "conversation_typing_on"]
)
def test_events_fairscore_does_not_use_are_ignored_with_a_reason(event: str) -> None:
    decoded = adapter.decode(InboundRequest({}, b"", NOW), {"event": event, "id": 1})
    assert decoded.events == []
    assert decoded.ignored == f"Chatwoot event '{event}' is not used by Fairscore"


def broken(name: str, path: list[str]) -> dict[str, Any]:
    payload: dict[str, Any] = copy.deepcopy(json.loads(fixture_bytes(name)))
    node = payload
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return payload


MESSAGE = "message_created.incoming.captured-whatsapp"
STATUS = "conversation_status_changed.captured-whatsapp"


@pytest.mark.parametrize(
    ("name", "path", "named"),
    [
        (MESSAGE, ["event"], "'event' is missing"),
        (MESSAGE, ["id"], "'id' is missing"),
        (MESSAGE, ["created_at"], "'created_at' is missing"),
        (MESSAGE, ["conversation"], "'conversation' is missing"),
        (MESSAGE, ["conversation", "id"], "'conversation.id' is missing"),
        (MESSAGE, ["message_type"], "'message_type' is missing"),
        (STATUS, ["id"], "'id' is missing"),
        (STATUS, ["status"], "'status' is missing"),
    ],
)
def test_a_missing_field_is_a_payload_error_naming_it(
    name: str, path: list[str], named: str
) -> None:
    with pytest.raises(PayloadError, match=named):
        adapter.decode(InboundRequest({}, b"", NOW), broken(name, path))


def test_an_unknown_status_is_a_payload_error() -> None:
    payload = json.loads(fixture_bytes(STATUS)) | {"status": "archived"}
    with pytest.raises(PayloadError, match="'status' has a value Fairscore does not know"):
        adapter.decode(InboundRequest({}, b"", NOW), payload)


def test_a_payload_that_is_not_an_object_is_a_payload_error() -> None:
    with pytest.raises(PayloadError, match="must be a JSON object"):
        adapter.decode(InboundRequest({}, b"", NOW), "message_created")
