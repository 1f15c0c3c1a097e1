"""CoalescedRequests: many requests for a tenant within one interval reach the queue once;
a request after a pass reaches it again; `flush` sends what is still gathered."""

from __future__ import annotations

import threading
import time

from domain.ports import TenantId
from infra.queue import CoalescedRequests


def test_requests_within_an_interval_are_one_per_tenant_and_later_ones_follow() -> None:
    sent: list[str] = []
    first = threading.Event()

    def request(tenant_id: TenantId) -> None:
        sent.append(tenant_id)
        first.set()

    coalesced = CoalescedRequests(request, interval=0.5)
    coalesced.request(TenantId("a"))
    assert first.wait(5)  # the first goes out at once
    for _ in range(100):
        coalesced.request(TenantId("a"))
        coalesced.request(TenantId("b"))
    deadline = time.monotonic() + 5
    while len(sent) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sorted(sent) == ["a", "a", "b"]  # 200 requests in the interval: one pass


def test_flush_sends_what_was_gathered_and_a_failing_request_does_not_stop_it() -> None:
    sent: list[str] = []

    def request(tenant_id: TenantId) -> None:
        if tenant_id == "down":
            raise ConnectionError("queue unreachable")
        sent.append(tenant_id)

    coalesced = CoalescedRequests(request, interval=60)
    coalesced.request(TenantId("down"))
    time.sleep(0.1)  # the thread's first pass, then its 60 s pause
    coalesced.request(TenantId("c"))
    assert sent == []
    coalesced.flush()
    assert sent == ["c"]
