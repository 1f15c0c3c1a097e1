"""The worker's Redis retry policy: waits with capped backoff, logs state changes once,
and fails fast once the process is stopping."""

from __future__ import annotations

import logging

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from workers.reconnect import Reconnect


class Flaky:
    """A Redis call that fails `failures` times, then answers."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise RedisConnectionError("Connection refused")
        return "PONG"


@pytest.fixture
def waits() -> list[float]:
    """The backoff waits a policy made (instead of making them)."""
    return []


def patient(waits: list[float], monkeypatch: pytest.MonkeyPatch) -> Reconnect:
    policy = Reconnect("test")
    monkeypatch.setattr(policy._leaving, "wait", waits.append)
    return policy


def test_it_retries_at_once_then_backs_off_up_to_30_s(
    waits: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = patient(waits, monkeypatch)
    failed: list[Exception] = []

    assert policy.call_with_retry(Flaky(9), failed.append) == "PONG"

    assert len(failed) == 9  # each failure reaches redis-py's handler (it reconnects)
    assert waits == [1, 2, 4, 8, 16, 30, 30, 30]  # none before the first retry


def test_it_logs_once_when_redis_goes_and_once_when_it_is_back(
    waits: list[float], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    policy = patient(waits, monkeypatch)
    caplog.set_level(logging.INFO, logger="workers.reconnect")

    policy.call_with_retry(Flaky(5), lambda error: None)  # an outage: 4 waits, 2 lines
    policy.call_with_retry(Flaky(1), lambda error: None)  # a stale socket: not an outage
    policy.call_with_retry(Flaky(3), lambda error: None)  # the next outage

    messages = [record.getMessage() for record in caplog.records]
    assert [m.split(": ", 1)[1][:20] for m in messages] == [
        "Redis is unreachable",
        "Redis is back",
        "Redis is unreachable",
        "Redis is back",
    ]
    assert [r.levelname for r in caplog.records] == ["WARNING", "INFO", "WARNING", "INFO"]


def test_after_give_up_a_failure_is_raised_at_once(
    waits: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = patient(waits, monkeypatch)
    policy.give_up()
    flaky = Flaky(1)

    with pytest.raises(RedisConnectionError):
        policy.call_with_retry(flaky, lambda error: None)
    assert flaky.calls == 1
    assert waits == []
