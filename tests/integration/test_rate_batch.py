"""Webhook limits counted in the process first and added to Redis in batches
(infra/rate_batch.py): far from the limit no hit is counted in Redis on the request's way,
yet Redis ends up with every hit; past LOCAL_SHARE of the limit every hit is counted in
Redis at once, so two processes together are refused exactly at the limit."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from infra.rate_batch import LOCAL_SHARE, BatchedHits
from infra.rate_limits import Limited, RateLimits

pytestmark = pytest.mark.redis
LIMIT = 40


@pytest.fixture
def limits(redis_url: str) -> Iterator[RateLimits]:
    made = RateLimits.in_redis(redis_url, {Limited.WEBHOOK: f"{LIMIT}/hour"})
    yield made
    made.close()


def hit(hits: BatchedHits, key: str) -> int | None:
    """As webhook intake does (infra/webhook_intake.py)."""
    return None if hits.counted(key) else hits.exact(key)


def shared_count(limits: RateLimits, key: str) -> int:
    item = limits.items[Limited.WEBHOOK]
    _, _, current, _ = limits.storage.get_sliding_window(  # type: ignore[attr-defined]
        item.key_for(Limited.WEBHOOK.name, key), item.get_expiry()
    )
    return int(current)


def test_hits_far_from_the_limit_are_counted_here_and_reach_redis_in_a_batch(
    limits: RateLimits,
) -> None:
    hits, key = BatchedHits(limits, Limited.WEBHOOK, background=False), uuid.uuid4().hex
    assert not hits.counted(key)  # nothing known yet: the caller counts it in Redis
    assert hits.exact(key) is None
    hits.send()  # reads the shared count back: 1

    here = [hits.counted(key) for _ in range(int(LIMIT * LOCAL_SHARE) - 1)]

    assert all(here)
    assert shared_count(limits, key) == 1  # none of them cost a round trip
    hits.send()
    assert shared_count(limits, key) == LIMIT * LOCAL_SHARE
    assert not hits.counted(key)  # past the share: each one is counted in Redis


def test_two_processes_are_refused_exactly_at_the_limit(limits: RateLimits) -> None:
    key = uuid.uuid4().hex
    one, two = (BatchedHits(limits, Limited.WEBHOOK, background=False) for _ in range(2))
    answers = []
    for n in range(LIMIT + 5):
        process = (one, two)[n % 2]
        answers.append(hit(process, key))
        process.send()  # as its thread does between requests

    assert answers[:LIMIT] == [None] * LIMIT
    assert all(wait is not None and wait >= 1 for wait in answers[LIMIT:])
    assert shared_count(limits, key) == LIMIT
