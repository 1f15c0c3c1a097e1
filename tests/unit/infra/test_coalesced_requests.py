"""CoalescedRequests: many requests for a tenant within one interval reach the queue once;
a request after a pass reaches it again; `flush` sends what is still gathered. The pause
between passes is held by the test, so what a pass gathers never depends on timing."""

from __future__ import annotations

import queue
import threading

from domain.ports import TenantId
from infra.queue import CoalescedRequests


class HeldPauses:
    """The background thread's pause after each pass: it lasts until the test ends it."""

    def __init__(self) -> None:
        self._started: queue.Queue[threading.Event] = queue.Queue()
        self.lengths: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.lengths.append(seconds)
        end = threading.Event()
        self._started.put(end)
        end.wait()

    def next(self) -> threading.Event:
        """Wait for the thread to finish a pass and begin its pause; the pause's end."""
        return self._started.get(timeout=10)


def test_requests_within_an_interval_are_one_per_tenant_and_later_ones_follow() -> None:
    sent: list[str] = []
    pauses = HeldPauses()
    coalesced = CoalescedRequests(sent.append, interval=0.5, pause=pauses)

    coalesced.request(TenantId("a"))
    first_pause = pauses.next()
    assert sent == ["a"]  # the first goes out at once
    for _ in range(100):
        coalesced.request(TenantId("a"))
        coalesced.request(TenantId("b"))
    assert sent == ["a"]  # gathered while the interval lasts
    first_pause.set()
    pauses.next().set()
    assert sorted(sent) == ["a", "a", "b"]  # 200 requests in the interval: one pass
    assert pauses.lengths == [0.5, 0.5]


def test_flush_sends_what_was_gathered_and_a_failing_request_does_not_stop_it() -> None:
    sent: list[str] = []

    def request(tenant_id: TenantId) -> None:
        if tenant_id == "down":
            raise ConnectionError("queue unreachable")
        sent.append(tenant_id)

    pauses = HeldPauses()
    coalesced = CoalescedRequests(request, interval=60, pause=pauses)
    coalesced.request(TenantId("down"))
    first_pause = pauses.next()  # the thread's first pass failed, then its 60 s pause
    coalesced.request(TenantId("c"))
    assert sent == []
    coalesced.flush()
    assert sent == ["c"]
    first_pause.set()
