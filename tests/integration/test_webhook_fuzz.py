"""Fuzzed webhooks: whatever a sender puts in a correctly signed body or in the headers
read before the signature, every source answers below 500, and the job that processes
what was stored logs no error. SQLite only: what is checked is the parsing, not the SQL."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.repositories.system import IntegrationRecord
from tests.support import api, vendors

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

SECRET = "fuzz-secret"
FIXTURES = {
    "zendesk": "ticket.status_changed.third-party-example.json",
    "intercom": "conversation.admin.replied.json",
    "chatwoot": "conversation_status_changed.captured-whatsapp.json",
    "freshdesk": "status_changed.zulip-template.json",
    "helpscout": "satisfaction.ratings.json",
}
SOURCES = ["generic", *FIXTURES]
GENERIC_EVENT = {
    "type": "ticket.rated",
    "id": "r1",
    "occurred_at": "2026-11-02T10:00:00Z",
    "ticket_id": "t1",
    "kind": "csat",
    "score": 4,
    "scale_max": 5,
}

# Past int64, float and datetime, but within the interpreter's 4300-digit limit.
HUGE_INTS = st.sampled_from([2**63, 10**20, -(10**20), 10**400, -(10**400), 10**4000])
WEIRD_TIMES = st.sampled_from(
    [
        "99999999999999999999",
        "-99999999999999999999",
        "9" * 5000,
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "Mon, 03 Mar 2025 99999999999999999999:00:05 +0000",
        "Mon, 03 Mar 2025 09:00:05 +99999999999999999999",
        "2025-13-45T25:61:61Z",
        "\u0661\u0662\u0663",
        "1e999",
        "",
        " ",
    ]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | HUGE_INTS
    | st.floats(allow_nan=False)  # json.dumps writes NaN/Infinity, which json.loads accepts
    | st.sampled_from([float("inf"), float("-inf"), float("nan"), 1e308])
    | st.text(max_size=20)
    | WEIRD_TIMES
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


# Weighted towards what breaks parsers: each branch is about as likely as the others.
MUTATIONS = st.one_of(WEIRD_TIMES, HUGE_INTS, SCALARS, VALUES)


def leaf_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value that holds something, for mutating real payloads."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += leaf_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += leaf_paths(item, (*path, index))
    return found


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = replaced(copy[head], rest, new)
    return copy


@st.composite
def mutated_payload(draw: st.DrawFn, source: str) -> Any:
    """A real payload of the source with a few of its values replaced: the mapping code
    then meets weird values exactly where it reads times, ids and scores."""
    payload: Any = (
        {"events": [GENERIC_EVENT]}
        if source == "generic"
        else vendors.fixture(source, FIXTURES[source])
    )
    paths = leaf_paths(payload)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        payload = replaced(payload, draw(st.sampled_from(paths)), draw(MUTATIONS))
        paths = leaf_paths(payload) or [()]
    return payload


def encoded(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


@st.composite
def bodies(draw: st.DrawFn, source: str) -> bytes:
    kind = draw(st.sampled_from(["mutated", "random", "bytes", "deep", "huge int"]))
    if kind == "mutated":
        return encoded(draw(mutated_payload(source)))
    if kind == "random":
        return encoded(draw(VALUES))
    if kind == "bytes":  # mostly not UTF-8; sometimes a UTF-16/32 BOM
        prefix = draw(st.sampled_from([b"", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"]))
        return prefix + draw(st.binary(max_size=64))
    if kind == "deep":  # within the limit and past it
        depth = draw(st.integers(min_value=1, max_value=80))
        return b'{"events": ' + b"[" * depth + b"]" * depth + b"}"
    digits = draw(st.integers(min_value=4000, max_value=6000))
    return b'{"id": "notif_1", "events": [' + b"9" * digits + b"]}"


def sign(source: str, secret: str, body: bytes, stamp: str | None, event: str) -> dict[str, Any]:
    """Correctly signed headers; `stamp` replaces the sender's timestamp (still signed)."""
    if source == "generic":
        headers: dict[str, Any] = api.signed_headers(secret, body)
        if stamp is not None:
            headers["webhook-timestamp"] = stamp.encode()  # bytes: non-ASCII goes out as is
        return headers
    headers = vendors.signed_headers(source, secret, body, event=event)
    if stamp is not None and source == "zendesk":
        mac = hmac.new(secret.encode(), stamp.encode() + body, hashlib.sha256).digest()
        headers["X-Zendesk-Webhook-Signature"] = base64.b64encode(mac).decode()
        headers["X-Zendesk-Webhook-Signature-Timestamp"] = stamp.encode()
    elif stamp is not None and source == "chatwoot":
        mac = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256)
        headers["X-Chatwoot-Signature"] = "sha256=" + mac.hexdigest()
        headers["X-Chatwoot-Timestamp"] = stamp.encode()
    return headers


# Mostly the sender's own timestamp, so most bodies get past the signature check.
HEADER_STAMPS = st.one_of(
    st.none(), st.none(), st.none(), WEIRD_TIMES, st.from_regex(r"\A-?[0-9]{1,30}\Z")
)


@pytest.fixture
def hooks(container: Container, tenant: TenantProfile) -> dict[str, IntegrationRecord]:
    return {
        source: admin.create_integration(
            container,
            tenant=tenant.id,
            source=source,
            secret=None if source == "generic" else SECRET,  # generic needs a whsec_ secret
        )
        for source in SOURCES
    }


@pytest.mark.parametrize("source", SOURCES)
def test_no_signed_body_or_header_makes_a_webhook_answer_5xx(
    client: TestClient,
    container: Container,
    hooks: dict[str, IntegrationRecord],
    caplog: pytest.LogCaptureFixture,
    source: str,
) -> None:
    hook = hooks[source]
    caplog.set_level(logging.ERROR)
    seen: set[int] = set()

    @settings(
        max_examples=200,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(body=bodies(source), stamp=HEADER_STAMPS)
    def post(body: bytes, stamp: str | None) -> None:
        caplog.clear()
        headers = sign(source, hook.secret, body, stamp, "satisfaction.ratings")
        response = client.post(f"/webhooks/{source}/{hook.id}", content=body, headers=headers)
        assert response.status_code < 500, response.text[:300]
        seen.add(response.status_code)
        container.queue.join()  # the job runs what was stored: it must not crash either
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert not errors, errors

    post()
    assert 400 in seen, seen  # the undecodable bodies were refused, not let through
