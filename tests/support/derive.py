"""Tests read scores after the reconciler has run: helpers that wait for it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from domain.ports import TenantId
from infra import admin
from infra.bootstrap import Container
from infra.queue import InProcessJobQueue


def settle(c: Container) -> None:
    """Wait until the reconcile jobs that commits requested have run (in-process queue:
    the test container has no REDIS_URL)."""
    assert isinstance(c.queue, InProcessJobQueue), "tests without a worker use in-process jobs"
    c.queue.join()


def apply_and_settle(
    c: Container, tenant: TenantId, *, source: str, events: Iterable[dict[str, Any]], **kw: Any
) -> int:
    """`admin.apply_canonical`, then wait for the derived data it invalidated."""
    new = admin.apply_canonical(c, tenant, source=source, events=events, **kw)
    settle(c)
    return new
