"""The test's own view of the database, beside the app's.

On PostgreSQL the app logs in as a role row-level security binds, so a connection of
`container.engine` outside a unit of work sees no tenant's rows. A test that seeds, ages or
inspects rows directly does it as the owner (MIGRATION_DATABASE_URL: the test server's
superuser) on an engine of its own.
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import NullPool

from infra.bootstrap import Container
from infra.db.engine import make_engine

_ENGINES: dict[str, Engine] = {}


def owner_engine(container: Container) -> Engine:
    """An engine on the container's database as the owner (one per database URL;
    NullPool: nothing stays open between tests)."""
    url = container.settings.migration_url
    if url.startswith("sqlite"):
        return container.engine
    if url not in _ENGINES:
        pooled = make_engine(url)
        _ENGINES[url] = create_engine(pooled.url, poolclass=NullPool)
        pooled.dispose()
    return _ENGINES[url]
