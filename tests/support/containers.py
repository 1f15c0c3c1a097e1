"""A composition root on a database a test made itself (a migration test's), outside the
`container` fixture."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from infra.bootstrap import Container, install
from infra.settings import Settings
from tests.support.logins import login_urls


@contextmanager
def installed_container(
    database_url: str, data_dir: Path, *, logins: bool = True, **settings: Any
) -> Iterator[Container]:
    """The app on `database_url` with in-process jobs (and any other `settings`), installed
    for the block; on PostgreSQL with the suite's logins (`database_url` names the owner),
    or without `logins` logged in as `database_url` alone (development's one URL)."""
    urls = login_urls(database_url) if logins else {"database_url": database_url}
    c = Container(
        Settings(
            **urls,
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
