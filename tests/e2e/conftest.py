"""The full stack for e2e tests: a scratch PostgreSQL database, Redis, and `fairscore serve` +
`fairscore worker` as real processes (test_embedded.py brings its own SQLite-only stack)."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.db.migrate import upgrade
from tests.conftest import missing, scratch_database
from tests.e2e.harness import Stack
from tests.e2e.private_postgres import PrivatePostgres
from tests.e2e.private_redis import PrivateRedis


@pytest.fixture
def database_url(postgres_admin_url: str) -> Iterator[str]:
    with scratch_database("fairscore_e2e") as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A migrated SQLite database in the test's directory (enough for the worker's tests)."""
    url = f"sqlite:///{tmp_path / 'fairscore.db'}"
    upgrade(url)
    return url


@pytest.fixture
def stack(database_url: str, redis_url: str, tmp_path: Path) -> Iterator[Stack]:
    s = Stack(
        database_url=database_url,
        redis_url=redis_url,
        workdir=tmp_path,
        queue_name=f"fairscore-e2e-{uuid.uuid4().hex[:6]}",
    )
    s.migrate()
    s.serve()
    s.start("worker", log="worker.log")
    yield s
    s.stop()


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A started private Redis, stopped after the test."""
    if shutil.which("redis-server") is None:
        missing("redis-server is not installed")
    (tmp_path / "redis").mkdir()
    server = PrivateRedis(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A started private PostgreSQL cluster with an empty database at its `url`, removed
    after the test."""
    server = PrivatePostgres()
    try:
        server.create()
        yield server
    finally:
        server.remove()
