"""A job runs once more only when the database dropped its connection (the end to end
case, a PostgreSQL restart under a real worker, is tests/e2e/test_server_faults.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from infra.bootstrap import Container, container, install
from workers.jobs import again_if_dropped


def failure(*, dropped: bool) -> DBAPIError:
    return DBAPIError("SELECT 1", None, Exception("boom"), connection_invalidated=dropped)


class Failing:
    """A job that raises `error` on its first run, then answers with its run's number."""

    def __init__(self, error: DBAPIError) -> None:
        self.error = error
        self.runs = 0

    def __call__(self) -> int:
        self.runs += 1
        if self.runs == 1:
            raise self.error
        return self.runs


@pytest.fixture
def worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Container]:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'jobs.db'}")
    install(None)
    try:
        yield container(worker=True)
    finally:
        install(None)


def test_a_dropped_connection_runs_the_job_again_on_fresh_pools(worker: Container) -> None:
    pool = worker.engine.pool
    job = Failing(failure(dropped=True))
    assert again_if_dropped(job)() == 2
    assert worker.engine.pool is not pool  # emptied: the next checkout connects afresh


def test_any_other_database_error_fails_the_job_at_once(worker: Container) -> None:
    pool = worker.engine.pool
    job = Failing(failure(dropped=False))
    with pytest.raises(DBAPIError):
        again_if_dropped(job)()
    assert job.runs == 1
    assert worker.engine.pool is pool


def test_a_second_drop_fails_the_job(worker: Container) -> None:
    runs: list[int] = []

    def always_dropped() -> None:
        runs.append(len(runs) + 1)
        raise failure(dropped=True)

    with pytest.raises(DBAPIError):
        again_if_dropped(always_dropped)()
    assert runs == [1, 2]  # once more, not until it works
