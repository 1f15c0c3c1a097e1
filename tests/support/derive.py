"""Tests read scores after the reconciler has run: helpers that wait for it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from domain.ports import TenantId
from infra import admin
from infra.bootstrap import Container
from infra.queue import InProcessJobQueue


def settle(c: Container) -> None:
    """Wait until the reconcile jobs that commits requested have run, when they run on the
    in-process queue (no REDIS_URL); a test with an RQ worker waits for its worker itself."""
    if isinstance(c.queue, InProcessJobQueue):
        c.queue.join()


def apply_and_settle(
    c: Container, tenant: TenantId, *, source: str, events: Iterable[dict[str, Any]], **kw: Any
) -> int:
    """`admin.apply_canonical`, then wait for the derived data it invalidated."""
    new = admin.apply_canonical(c, tenant, source=source, events=events, **kw)
    settle(c)
    return new
