"""`fairscore worker` runs on the worker's engine, although the CLI's callback made the
process-wide container first (to read the settings for logging)."""

from __future__ import annotations

import pytest
from sqlalchemy.pool import QueuePool

from infra.bootstrap import container, install


def test_the_worker_gets_its_engine_after_the_cli_read_the_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Never connected: making an engine opens no connection.
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/nothing")
    install(None)
    try:
        assert container().settings.database_url  # the CLI's callback
        made = container(worker=True)
        assert made.worker
        pool = made.engine.pool
        assert isinstance(pool, QueuePool)
        # the worker's pool (make_worker_engine): 4 connections, no ping per checkout
        assert pool.size() == 4
        assert not pool._pre_ping  # what the API's engine has and this must not
    finally:
        install(None)


def test_a_container_whose_engine_is_made_keeps_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/nothing")
    install(None)
    try:
        engine = container().engine
        assert container(worker=True).engine is engine
        assert not container().worker
    finally:
        install(None)
