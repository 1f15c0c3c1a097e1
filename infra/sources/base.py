"""The contract every webhook source adapter fulfils.

An adapter knows one vendor: how it signs a request, which header identifies a
delivery across retries, and how its payloads map to SPEC §3 canonical events.
Adapters are pure apart from reading the clock passed to them: no I/O, no database.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


class SignatureError(Exception):
    """The request is not authentic (HTTP 401); the message says why."""


class PayloadError(Exception):
    """The body cannot be turned into events; the message names what is missing."""


@dataclass(frozen=True, slots=True)
class InboundRequest:
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    received_at: datetime

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True, slots=True)
class IntegrationConfig:
    """What an adapter may know about the integration a request was sent to."""

    secret: str
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Canonical event objects (SPEC §3 JSON) decoded from one delivery.

    `ignored` explains an empty result that is not an error (an event type the
    vendor sends that Fairscore has no use for): stored, acknowledged, not retried.
    """

    events: list[dict[str, Any]]
    ignored: str | None = None


class SourceAdapter(Protocol):
    source: str

    def verify(self, request: InboundRequest, config: IntegrationConfig) -> None:
        """Raise `SignatureError` unless the request is authentic and fresh."""

    def delivery_key(self, request: InboundRequest) -> str:
        """A key that is the same for every retry of one delivery."""

    def decode(self, request: InboundRequest, payload: Any) -> Decoded:
        """Map the parsed JSON body to canonical events, or raise `PayloadError`."""


def constant_time_equal(expected: str | bytes, given: str | bytes) -> bool:
    a = expected.encode() if isinstance(expected, str) else expected
    b = given.encode() if isinstance(given, str) else given
    return hmac.compare_digest(a, b)
