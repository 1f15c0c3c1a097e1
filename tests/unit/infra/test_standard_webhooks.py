"""The `generic` source is signed exactly as Standard Webhooks specifies: the published
test vector, the 5-minute tolerance, secret rotation, and what is not a signature."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from infra.sources.base import InboundRequest, IntegrationConfig, SignatureError
from infra.sources.generic import GenericAdapter, sign

# The test vector published with the Standard Webhooks specification.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = b'{"test": 2432232314}'
SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

SENT_AT = datetime.fromtimestamp(TIMESTAMP, UTC)
adapter = GenericAdapter()
config = IntegrationConfig(secret=SECRET)


def request(
    *,
    signature: str = SIGNATURE,
    msg_id: str = MSG_ID,
    timestamp: str = str(TIMESTAMP),
    body: bytes = BODY,
    received_at: datetime = SENT_AT,
) -> InboundRequest:
    headers = {"webhook-id": msg_id, "webhook-timestamp": timestamp, "webhook-signature": signature}
    return InboundRequest(headers, body, received_at)


def test_sign_reproduces_the_published_test_vector() -> None:
    assert sign(SECRET, MSG_ID, TIMESTAMP, BODY) == SIGNATURE


def test_the_hmac_key_is_the_base64_decoded_secret_not_its_text() -> None:
    signed = f"{MSG_ID}.{TIMESTAMP}.".encode() + BODY
    keyed_with_text = hmac.new(SECRET.encode(), signed, hashlib.sha256).digest()

    assert (
        sign(SECRET, MSG_ID, TIMESTAMP, BODY) != "v1," + base64.b64encode(keyed_with_text).decode()
    )


def test_verify_accepts_the_published_test_vector() -> None:
    adapter.verify(request(), config)


@pytest.mark.parametrize("seconds", [-300, -1, 0, 1, 300])
def test_verify_accepts_a_timestamp_within_five_minutes_either_way(seconds: int) -> None:
    adapter.verify(request(received_at=SENT_AT + timedelta(seconds=seconds)), config)


@pytest.mark.parametrize(
    "seconds",
    [301, 3600, -301, -3600],
    ids=["just stale", "an hour old", "just ahead", "an hour ahead"],
)
def test_verify_rejects_a_timestamp_more_than_five_minutes_away(seconds: int) -> None:
    # received 301 s after sending = a stale message; received before sending = from the future
    with pytest.raises(SignatureError, match="tolerance"):
        adapter.verify(request(received_at=SENT_AT + timedelta(seconds=seconds)), config)


def test_verify_rejects_a_tampered_body() -> None:
    with pytest.raises(SignatureError, match="no webhook-signature matches"):
        adapter.verify(request(body=b'{"test": 2432232315}'), config)


def test_verify_rejects_a_signature_over_another_message_id() -> None:
    with pytest.raises(SignatureError):
        adapter.verify(request(msg_id="msg_another"), config)


def test_verify_rejects_a_signature_over_another_timestamp() -> None:
    later = TIMESTAMP + 1
    with pytest.raises(SignatureError):
        adapter.verify(request(timestamp=str(later)), config)


def test_verify_rejects_the_right_message_signed_with_another_secret() -> None:
    other = IntegrationConfig(secret="whsec_" + base64.b64encode(b"x" * 24).decode())
    with pytest.raises(SignatureError):
        adapter.verify(request(), other)


def test_verify_accepts_one_matching_signature_among_several() -> None:
    rotated = f"v1,{base64.b64encode(b'old' * 11).decode()} {SIGNATURE} v1a,whatever"

    adapter.verify(request(signature=rotated), config)


@pytest.mark.parametrize(
    "signature",
    [
        SIGNATURE.removeprefix("v1,"),
        "v2," + SIGNATURE.removeprefix("v1,"),
        "v1," + SIGNATURE.removeprefix("v1,").lower(),
        "v1,",
    ],
    ids=["no version", "an unknown version", "the value in another case", "an empty value"],
)
def test_verify_rejects_what_is_not_a_v1_signature_of_the_message(signature: str) -> None:
    with pytest.raises(SignatureError):
        adapter.verify(request(signature=signature), config)


@pytest.mark.parametrize("header", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_verify_rejects_a_request_missing_a_header(header: str) -> None:
    incomplete = request()
    headers = {k: v for k, v in incomplete.headers.items() if k != header}

    with pytest.raises(SignatureError, match="missing"):
        adapter.verify(InboundRequest(headers, BODY, SENT_AT), config)


@pytest.mark.parametrize("timestamp", ["2021-02-26T15:02:10Z", "1614265330.5", "soon"])
def test_verify_rejects_a_timestamp_that_is_not_unix_seconds(timestamp: str) -> None:
    with pytest.raises(SignatureError, match="unix seconds"):
        adapter.verify(request(timestamp=timestamp), config)


def test_verify_reports_a_secret_that_is_not_whsec_base64() -> None:
    with pytest.raises(SignatureError, match="whsec_"):
        adapter.verify(request(), IntegrationConfig(secret="whsec_not base64!"))


def test_the_webhook_id_is_the_delivery_key_shared_by_retries() -> None:
    first = request()
    retry = request(received_at=SENT_AT + timedelta(seconds=90))

    assert adapter.delivery_key(first) == adapter.delivery_key(retry) == MSG_ID
