"""The app on RQ, for the tests that run a real `fairscore worker`: a container on a queue
of its own (emptied afterwards), one whose Redis is down, and a worker's burst."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from redis import Redis
from rq import Queue

from infra.bootstrap import Container
from infra.settings import Settings
from tests.support.containers import installed
from tests.support.logins import login_env, login_urls

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens there


def make_container(
    postgres_url: str, redis_url: str | None, queue_name: str, tmp_path: Path
) -> Container:
    return Container(
        Settings(
            **login_urls(postgres_url),
            redis_url=redis_url,
            queue_name=queue_name,
            data_dir=tmp_path / "keys",
        )
    )


@contextmanager
def rq_app(
    postgres_url: str, redis_url: str, tmp_path: Path, *, prefix: str
) -> Iterator[Container]:
    """The app on a fresh queue named `prefix-…`, installed for the block."""
    c = make_container(postgres_url, redis_url, f"{prefix}-{uuid.uuid4().hex[:8]}", tmp_path)
    with installed(c):
        try:
            yield c
        finally:
            Queue(c.settings.queue_name, connection=Redis.from_url(redis_url)).empty()


@contextmanager
def redis_down_app(postgres_url: str, tmp_path: Path) -> Iterator[Container]:
    """The app with Redis unreachable, installed for the block."""
    with installed(
        make_container(postgres_url, UNREACHABLE_REDIS, "fairscore-down", tmp_path)
    ) as c:
        yield c


def run_worker_burst(c: Container) -> subprocess.CompletedProcess[str]:
    """A real `fairscore worker --burst` on the container's database and queue."""
    env = {
        **os.environ,
        **login_env(c.settings.migration_url),
        "REDIS_URL": c.settings.redis_url or "",
        "QUEUE_NAME": c.settings.queue_name,
    }
    return subprocess.run(
        [sys.executable, "-m", "cli", "worker", "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
