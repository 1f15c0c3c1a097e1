"""Revoked clients' tokens are refused before they expire, without a query per request.

Access tokens are self-contained JWTs, so revocation needs a look at the database. Each
process keeps, per tenant, the set of its revoked client ids and re-reads it (one indexed
query) once it is older than `ttl` seconds. A token of a client revoked at time t is
therefore refused by every process from t + ttl at the latest (REVOCATION_CACHE_TTL,
30 s by default and at most), whatever the token's own expiry.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from domain.ports import TenantId


class RevocationCache:
    def __init__(
        self,
        load: Callable[[TenantId], frozenset[str]],
        *,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._by_tenant: dict[TenantId, tuple[float, frozenset[str]]] = {}

    def is_revoked(self, tenant_id: TenantId, client_id: str) -> bool:
        return client_id in self._revoked(tenant_id)

    def _revoked(self, tenant_id: TenantId) -> frozenset[str]:
        now = self._clock()
        cached = self._by_tenant.get(tenant_id)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        with self._lock:  # one reader refreshes; the others wait for its answer
            cached = self._by_tenant.get(tenant_id)
            if cached is not None and self._clock() - cached[0] < self._ttl:
                return cached[1]
            revoked = self._load(tenant_id)
            self._by_tenant[tenant_id] = (self._clock(), revoked)
            return revoked
