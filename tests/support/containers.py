"""A composition root on a database a test made itself (a migration test's), outside the
`container` fixture."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from infra.bootstrap import Container, install
from infra.settings import Settings


@contextmanager
def installed_container(database_url: str, data_dir: Path, **settings: Any) -> Iterator[Container]:
    """The app on `database_url` with in-process jobs (and any other `settings`), installed
    for the block."""
    c = Container(
        Settings(
            database_url=database_url,
            redis_url=None,
            data_dir=data_dir,
            jwt_issuer="https://fairscore.test",
            graphiql=False,
            **settings,
        )
    )
    with installed(c):
        yield c


@contextmanager
def installed(c: Container) -> Iterator[Container]:
    """`c` as the process's container for the block, closed after it."""
    install(c)
    try:
        yield c
    finally:
        install(None)
        c.close()  # ends the job thread and the engines' pools
