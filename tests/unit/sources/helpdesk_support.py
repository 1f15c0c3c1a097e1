"""Shared helpers for the Zendesk, Freshdesk and Help Scout adapter tests."""

from __future__ import annotations

import json
from typing import Any

from domain.events import parse_event
from infra.sources.base import Decoded
from tests.fixtures import WEBHOOKS

# shared/ sits beside the repository, in a developer's tree and in CI's clone alike.
FIXTURES = WEBHOOKS


def fixture_bytes(vendor: str, name: str) -> bytes:
    return (FIXTURES / vendor / name).read_bytes()


def fixture(vendor: str, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(fixture_bytes(vendor, name))
    return data


def canonical(decoded: Decoded) -> list[dict[str, Any]]:
    """The decoded events, each checked against the canonical parser (SPEC §3)."""
    for index, event in enumerate(decoded.events):
        parse_event(event, where=f"events[{index}]")
    return decoded.events


def ids(events: list[dict[str, Any]]) -> list[str]:
    return [event["id"] for event in events]
