"""Webhook integrations and their stored deliveries, as admins see and change them.

An integration is one helpdesk (a `source`) pushing to one URL with one secret. What a
valid secret and valid options are depends on the source's signature scheme, so the
rules live here, next to the records, for the CLI and the GraphQL API alike.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from domain.identities import AgentMergeView

SOURCES: tuple[str, ...] = ("generic", "zendesk", "intercom", "chatwoot", "freshdesk", "helpscout")
PENDING, PROCESSED, FAILED, IGNORED = "pending", "processed", "failed", "ignored"
DELIVERY_STATUSES: tuple[str, ...] = (PENDING, PROCESSED, FAILED, IGNORED)

# Options each source's adapter reads (infra/sources/*). Anything else is a typo.
OPTIONS: Mapping[str, frozenset[str]] = {
    "generic": frozenset(),
    "intercom": frozenset(),
    "zendesk": frozenset({"additional_secrets"}),
    "helpscout": frozenset({"additional_secrets"}),
    "freshdesk": frozenset({"additional_secrets", "auth", "header"}),
    "chatwoot": frozenset({"allow_unsigned"}),
}
# Option values that are credentials: stored, never shown again.
SECRET_OPTIONS = frozenset({"additional_secrets"})
MAX_SECRET = 500


class IntegrationError(ValueError):
    """An admin's input that cannot be accepted; `field` names the input at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class IntegrationView:
    """An integration without its secret (only creation hands the secret out)."""

    id: str
    source: str
    active: bool
    options: Mapping[str, Any]
    created_at: datetime

    @property
    def webhook_path(self) -> str:
        return f"/webhooks/{self.source}/{self.id}"

    @property
    def allow_unsigned(self) -> bool:
        return self.options.get("allow_unsigned") is True

    @property
    def public_options(self) -> dict[str, Any]:
        return {k: v for k, v in self.options.items() if k not in SECRET_OPTIONS}


@dataclass(frozen=True, slots=True)
class CreatedIntegration:
    integration: IntegrationView
    secret: str


@dataclass(frozen=True, slots=True)
class IntegrationChange:
    """What an update sets; None leaves a value as it is."""

    secret: str | None = None
    allow_unsigned: bool | None = None
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class DeliveryView:
    id: str
    integration_id: str
    source: str
    received_at: datetime
    status: str
    reason: str | None
    event_count: int
    attempts: int
    processed_at: datetime | None = None


class Integrations(Protocol):
    def listing(self) -> Sequence[IntegrationView]: ...

    def get(self, integration_id: str) -> IntegrationView | None: ...

    def add(self, *, source: str, secret: str, options: Mapping[str, Any]) -> IntegrationView: ...

    def update(
        self,
        integration_id: str,
        *,
        secret: str | None = None,
        options: Mapping[str, Any] | None = None,
        active: bool | None = None,
    ) -> IntegrationView | None: ...


class IntegrationReads(Protocol):
    """What admins read: integrations (no secrets), deliveries, identity changes."""

    def listing(self) -> Sequence[IntegrationView]: ...

    def deliveries(
        self, status: str | None, limit: int, *, after: tuple[datetime, str] | None = None
    ) -> Sequence[DeliveryView]:
        """Newest first; `after` the (received_at, id) of the last delivery seen."""
        ...

    def delivery_count(self, status: str | None) -> int: ...

    def agent_merges(
        self, limit: int, *, after: tuple[datetime, str] | None = None
    ) -> Sequence[AgentMergeView]:
        """Newest first; `after` the (created_at, id) of the last change seen."""
        ...

    def agent_merge_count(self) -> int: ...


class DeliveryAdmin(Protocol):
    def listing(
        self, status: str | None, limit: int, *, after: tuple[datetime, str] | None = None
    ) -> Sequence[DeliveryView]: ...

    def get(self, delivery_id: str) -> DeliveryView | None: ...

    def reset(self, delivery_id: str) -> bool: ...

    def reset_status(self, status: str) -> int: ...


def check_source(source: str) -> None:
    if source not in SOURCES:
        raise IntegrationError(
            f"unknown source {source!r}; choose from {', '.join(SOURCES)}", "source"
        )


def clean_secret(source: str, secret: str) -> str:
    """The secret as stored; raises when the source's scheme could never verify with it."""
    value = secret.strip()
    if not value:
        raise IntegrationError("the secret must not be empty", "secret")
    if len(value) > MAX_SECRET:
        raise IntegrationError(f"the secret is longer than {MAX_SECRET} characters", "secret")
    if source == "generic" and not _is_standard_webhooks_secret(value):
        raise IntegrationError(
            "a generic (Standard Webhooks) secret is whsec_ followed by base64 key bytes",
            "secret",
        )
    return value


def _is_standard_webhooks_secret(value: str) -> bool:
    try:
        return bool(base64.b64decode(value.removeprefix("whsec_"), validate=True))
    except (binascii.Error, ValueError):
        return False


def new_secret(source: str) -> str:
    """A fresh secret in the form the source's scheme expects."""
    if source == "generic":
        return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    return secrets.token_urlsafe(32)


def clean_options(source: str, options: Mapping[str, Any]) -> dict[str, Any]:
    allowed = OPTIONS.get(source, frozenset())
    unknown = sorted(set(options) - allowed)
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise IntegrationError(
            f"unknown option(s) {', '.join(unknown)} for {source}; allowed: {known}", "options"
        )
    if "allow_unsigned" in options and not isinstance(options["allow_unsigned"], bool):
        raise IntegrationError("allow_unsigned must be true or false", "options.allow_unsigned")
    if options.get("auth", "header") not in ("header", "basic"):
        raise IntegrationError("auth must be header or basic", "options.auth")
    extra = options.get("additional_secrets", [])
    if not isinstance(extra, list | str) or any(not isinstance(s, str) for s in extra):
        raise IntegrationError(
            "additional_secrets must be a list of strings", "options.additional_secrets"
        )
    return dict(options)
