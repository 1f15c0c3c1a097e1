"""Who is asking, and what they may do (scopes, SPEC §6)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.ports import TenantId


class Scope(StrEnum):
    READ = "read"
    REVIEWS_WRITE = "reviews:write"
    ADMIN = "admin"
    # HR data (SPEC §7: review cycles, goals, career tracks): never implied by `read`.
    PEOPLE_READ = "people:read"
    PEOPLE_WRITE = "people:write"


ALL_SCOPES: tuple[str, ...] = tuple(s.value for s in Scope)


@dataclass(frozen=True, slots=True)
class Principal:
    """A verified caller: made only from a valid access token."""

    tenant_id: TenantId
    client_id: str
    scopes: frozenset[str]
    # The token's `exp` (seconds since the epoch): a WebSocket subscription ends then.
    expires_at: int | None = None

    def has(self, scope: Scope) -> bool:
        return scope.value in self.scopes
