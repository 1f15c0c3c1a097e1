"""Hostile input from anyone on the internet: headers checked before the signature, and
signed bodies with huge numbers or impossible times, are refused with a reason — never
an exception that would become a 500 or a crashed job."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from infra.sources.base import InboundRequest, IntegrationConfig, PayloadError, SignatureError
from infra.sources.chatwoot import ChatwootAdapter
from infra.sources.decoder import decode_body
from infra.sources.freshdesk import FreshdeskAdapter
from infra.sources.generic import GenericAdapter
from infra.sources.intercom import IntercomAdapter
from infra.sources.payload_fields import Fields, to_utc
from infra.sources.zendesk import ZendeskAdapter

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
HUGE = "9" * 20  # unix seconds past any datetime
TOO_MANY_DIGITS = "9" * 5000  # past Python's int-digits limit


def request(headers: dict[str, str], body: bytes = b"{}") -> InboundRequest:
    return InboundRequest({k.lower(): v for k, v in headers.items()}, body, NOW)


@pytest.mark.parametrize(
    "value",
    [
        HUGE,
        int(HUGE),
        -int(HUGE),
        1e300,
        float("inf"),
        float("nan"),
        "0001-01-01T00:00:00+01:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-01:00",  # after year 9999 in UTC
        "Mon, 03 Mar 2025 99999999999999999999:00:05 +0000",
        "Mon, 03 Mar 2025 09:00:05 +99999999999999999999",
    ],
)
def test_a_time_out_of_range_is_a_value_error(value: object) -> None:
    with pytest.raises(ValueError):  # callers catch exactly that
        to_utc(value)


def test_a_payload_time_out_of_range_names_its_field() -> None:
    item = Fields.of({"created_at": HUGE}, "X")
    with pytest.raises(PayloadError, match="'created_at' is not a timestamp"):
        item.time("created_at")


@pytest.mark.parametrize("stamp", [HUGE, TOO_MANY_DIGITS, "1e999", "\u0661\u0662"])
def test_zendesk_refuses_an_impossible_timestamp_header_as_a_signature_failure(
    stamp: str,
) -> None:
    headers = {
        "X-Zendesk-Webhook-Signature": "c2ln",
        "X-Zendesk-Webhook-Signature-Timestamp": stamp,
    }
    with pytest.raises(SignatureError, match="Timestamp"):
        ZendeskAdapter().verify(request(headers), IntegrationConfig("secret"))


@pytest.mark.parametrize("stamp", ["9" * 400, "-" + "9" * 400, TOO_MANY_DIGITS])
def test_generic_refuses_an_impossible_timestamp_header_as_a_signature_failure(
    stamp: str,
) -> None:
    headers = {"webhook-id": "msg_1", "webhook-timestamp": stamp, "webhook-signature": "v1,x"}
    with pytest.raises(SignatureError, match="webhook-timestamp"):
        GenericAdapter().verify(request(headers), IntegrationConfig("whsec_c2VjcmV0"))


@pytest.mark.parametrize("stamp", [HUGE, TOO_MANY_DIGITS])
def test_chatwoot_refuses_an_impossible_timestamp_header_as_a_signature_failure(
    stamp: str,
) -> None:
    headers = {"X-Chatwoot-Signature": "sha256=ab", "X-Chatwoot-Timestamp": stamp}
    with pytest.raises(SignatureError, match="unix seconds"):
        ChatwootAdapter().verify(request(headers), IntegrationConfig("secret"))


@pytest.mark.parametrize("credentials", ["é", "Zm9v\u00e9", "!!!!", "/w=="])
def test_freshdesk_refuses_malformed_basic_credentials(credentials: str) -> None:
    config = IntegrationConfig("secret", {"auth": "basic"})
    with pytest.raises(SignatureError, match="Basic"):
        FreshdeskAdapter().verify(request({"Authorization": f"Basic {credentials}"}), config)


@pytest.mark.parametrize(
    ("adapter", "body"),
    [
        (GenericAdapter(), b'{"events": [' + TOO_MANY_DIGITS.encode() + b"]}"),
        (IntercomAdapter(), b'{"id": "notif_1", "n": ' + TOO_MANY_DIGITS.encode() + b"}"),
        (ZendeskAdapter(), b'{"type": "zen:event-type:ticket.created", "id": "\xff"}'),
        (IntercomAdapter(), b"[" * 5000),
    ],
    ids=["generic huge int", "intercom huge int", "zendesk bad byte", "intercom deep"],
)
def test_undecodable_bodies_fail_with_a_reason_and_still_have_a_delivery_key(
    adapter: GenericAdapter | IntercomAdapter | ZendeskAdapter, body: bytes
) -> None:
    decoding = decode_body(adapter, request({}, body), max_depth=64)

    assert decoding.failed is not None
    assert decoding.failed.startswith(("JSON", "malformed JSON")), decoding.failed
    assert not decoding.events
    key = adapter.delivery_key(request({"webhook-id": "msg_1"}, body))
    assert key == "msg_1" or key.startswith("sha256:")


def test_a_delivery_key_is_read_from_a_body_within_the_limit() -> None:
    body = json.dumps({"id": "notif_7", "data": {"item": {"id": "1"}}}).encode()
    assert IntercomAdapter().delivery_key(request({}, body)) == "notif_7"
    envelope = {"type": "zen:event-type:ticket.created", "id": "e-1", "detail": {}}
    key = ZendeskAdapter().delivery_key(request({}, json.dumps(envelope).encode()))
    assert key == "zendesk-event:e-1"


def test_basic_credentials_still_work() -> None:
    config = IntegrationConfig("secret", {"auth": "basic"})
    token = base64.b64encode(b"user:secret").decode()
    FreshdeskAdapter().verify(request({"Authorization": f"Basic {token}"}), config)


RATED = {
    "type": "ticket.rated",
    "id": "r1",
    "occurred_at": "2026-11-02T10:00:00Z",
    "ticket_id": "t1",
    "kind": "csat",
    "score": 4,
    "scale_max": 5,
}


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("score", 10**400, "'score' is too large a number"),
        ("scale_max", -(10**400), "'scale_max' is too large a number"),
        ("occurred_at", "0001-01-01T00:00:00+01:00", "'occurred_at' is out of range in UTC"),
    ],
)
def test_a_canonical_event_out_of_range_fails_with_a_reason(
    field: str, value: object, words: str
) -> None:
    body = json.dumps({"events": [{**RATED, field: value}]}).encode()

    decoding = decode_body(GenericAdapter(), request({}, body), max_depth=64)

    assert decoding.failed is not None
    assert words in decoding.failed
