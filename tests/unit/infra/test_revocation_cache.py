"""The revocation cache reads a tenant's revoked clients once per TTL, not once per request,
and its TTL can never exceed the 30 s that keeps revocation within a minute."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from domain.ports import TenantId
from infra.auth.revocation import RevocationCache
from infra.settings import Settings

A, B = TenantId("tenant-a"), TenantId("tenant-b")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_tenant_is_read_once_per_ttl_and_a_revocation_shows_after_it() -> None:
    clock, loads = Clock(), []
    revoked: dict[TenantId, frozenset[str]] = {A: frozenset(), B: frozenset({"b1"})}

    def load(tenant: TenantId) -> frozenset[str]:
        loads.append(tenant)
        return revoked[tenant]

    cache = RevocationCache(load, ttl=30, clock=clock)
    for _ in range(100):
        assert not cache.is_revoked(A, "a1")
    assert cache.is_revoked(B, "b1") and not cache.is_revoked(B, "a1")
    revoked[A] = frozenset({"a1"})
    clock.now += 29.9
    assert not cache.is_revoked(A, "a1")  # still within the TTL: the cached answer
    clock.now += 0.1
    assert cache.is_revoked(A, "a1")
    assert loads == [A, B, A]


def test_the_ttl_defaults_to_30_s_and_may_not_exceed_it() -> None:
    assert Settings().revocation_cache_ttl == 30
    assert Settings(revocation_cache_ttl=1).revocation_cache_ttl == 1
    for bad in (31, 0, -1):
        with pytest.raises(ValidationError):
            Settings(revocation_cache_ttl=bad)
