"""The test's own view of the database, beside the app's.

On PostgreSQL the app's connections run as `fairscore_app` under row-level security, so
a connection of `container.engine` outside a unit of work sees no tenant's rows. A test
that seeds, ages or inspects rows directly does it as the login role (the test server's
superuser) on an engine of its own, never by resetting the role of a pooled connection
the app goes on using.
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from infra.bootstrap import Container
from infra.db.engine import make_engine

_ENGINES: dict[str, Engine] = {}


def owner_engine(container: Container) -> Engine:
    """An engine on the container's database as the login role (one per database URL;
    NullPool: nothing stays open between tests)."""
    url = container.settings.database_url
    if url.startswith("sqlite"):
        return container.engine
    if url not in _ENGINES:
        pooled = make_engine(url)
        _ENGINES[url] = create_engine(pooled.url, poolclass=NullPool)
        pooled.dispose()
    return _ENGINES[url]
