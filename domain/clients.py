"""OAuth2 API clients as their admins see them: never with a secret, except once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ApiClientView:
    """A client without its secret (only creation and rotation hand a secret out)."""

    client_id: str
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None
    secret_rotated_at: datetime | None
    # Until when the secret the last rotation replaced still works (None: it does not).
    previous_secret_valid_until: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class ClientSecret:
    """A client with the secret it was just given (on creation or rotation)."""

    client: ApiClientView
    secret: str  # shown once: only its hash is stored


class ClientError(ValueError):
    """An admin's input that cannot be accepted; `field` names the input at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class ClientRevokedError(ClientError):
    """A revoked client stays revoked: its secret cannot be rotated back to life."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="id")


class ApiClients(Protocol):
    def listing(self) -> Sequence[ApiClientView]: ...

    def add(self, *, scopes: Sequence[str], name: str) -> ClientSecret: ...

    def get(self, client_id: str) -> ApiClientView | None: ...

    def revoke(self, client_id: str) -> ApiClientView | None: ...

    def rotate(self, client_id: str, *, grace: timedelta) -> ClientSecret | None: ...
