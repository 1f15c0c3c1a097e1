"""Redis connections for the long-running worker processes: they wait for Redis.

redis-py retries a failed command a few times and then raises, and rq's worker quits on
most of those errors. The worker and its cron child should instead outlive a Redis
restart: `Reconnect` is a redis-py retry policy that keeps retrying, with capped
exponential backoff, until Redis answers again or the process is stopping.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from redis import Redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

FIRST_WAIT_SECONDS = 1.0
MAX_WAIT_SECONDS = 30.0

T = TypeVar("T")
log = logging.getLogger(__name__)


class Reconnect(Retry):
    """Retries every Redis command until it succeeds: at once (a stale pooled socket), then
    after 1 s, 2 s, 4 s … 30 s. Logs one warning when Redis is lost and one info when it is
    back, however many connections and attempts see it. After `give_up()` (the process is
    stopping) commands fail at their first error instead of waiting."""

    def __init__(self, process: str) -> None:
        super().__init__(ExponentialBackoff(cap=MAX_WAIT_SECONDS, base=FIRST_WAIT_SECONDS / 2), -1)
        self.process = process
        self._leaving = threading.Event()
        self._lock = threading.Lock()
        self._lost = False

    def __deepcopy__(self, memo: dict[int, Any]) -> Reconnect:
        return self  # redis-py copies the policy per connection; they must share one state

    @property
    def leaving(self) -> bool:
        return self._leaving.is_set()

    def give_up(self) -> None:
        self._leaving.set()  # also wakes a wait in progress

    def call_with_retry(
        self,
        do: Callable[[], T],
        fail: Callable[..., Any],
        is_retryable: Callable[[Exception], bool] | None = None,
        with_failure_count: bool = False,
    ) -> T:
        failures = 0
        while True:
            try:
                result = do()
            except self._supported_errors as error:
                if is_retryable is not None and not is_retryable(error):
                    raise
                failures += 1
                if with_failure_count:
                    fail(error, failures)
                else:
                    fail(error)
                if self.leaving or (self._is_retryable and not self._is_retryable(error)):
                    raise
                if failures > 1:
                    self._went_away(error)
                    self._leaving.wait(self._backoff.compute(failures - 1))
                continue
            self._came_back()
            return result

    def _went_away(self, error: Exception) -> None:
        with self._lock:
            if self._lost:
                return
            self._lost = True
        log.warning(
            "%s (pid %d): Redis is unreachable (%s); retrying every %g-%g s until it is back",
            self.process,
            os.getpid(),
            error,
            FIRST_WAIT_SECONDS,
            MAX_WAIT_SECONDS,
        )

    def _came_back(self) -> None:
        if not self._lost:  # the common case, without the lock
            return
        with self._lock:
            if not self._lost:
                return
            self._lost = False
        log.info("%s (pid %d): Redis is back", self.process, os.getpid())


def patient_redis(url: str, reconnect: Reconnect) -> Redis:
    """A client whose every connection (commands, pub/sub, pipelines) uses `reconnect`."""
    return Redis.from_url(url, retry=reconnect)
