"""Revoked clients' tokens are refused before they expire, without a query per request.

Access tokens are self-contained JWTs, so revocation needs a look at the database. Each
process keeps, per tenant, the set of its revoked client ids and re-reads it (one indexed
query) once it is older than `ttl` seconds. A token of a client revoked at time t is
therefore refused by every process from t + ttl at the latest (REVOCATION_CACHE_TTL,
30 s by default and at most), whatever the token's own expiry.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from domain.ports import TenantId
from infra.ttl_cache import TtlCache


class RevocationCache:
    def __init__(
        self,
        load: Callable[[TenantId], frozenset[str]],
        *,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._by_tenant: TtlCache[TenantId, frozenset[str]] = TtlCache(load, ttl=ttl, clock=clock)

    def is_revoked(self, tenant_id: TenantId, client_id: str) -> bool:
        return client_id in self._by_tenant.get(tenant_id)
