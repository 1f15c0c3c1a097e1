"""What /readyz reports about the process's dependencies (Container.check_dependencies)."""

from __future__ import annotations

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from infra.db.migrate import schema_check


def check_dependencies(read_engine: Engine, redis: Redis | None) -> dict[str, str]:
    """Can we reach the database (and Redis, if used), and is the schema at the latest
    migration (or ahead of it)? Each check is "ok" (perhaps with a note: "ok (…)") or says
    what is wrong. `read_engine`: on SQLite, a poll must not queue behind writers."""
    checks = {"database": "ok"}
    try:
        with read_engine.connect() as conn:
            checks["schema"] = schema_check(conn)
    except SQLAlchemyError as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    if redis is not None:
        try:
            redis.ping()
            checks["redis"] = "ok"
        except RedisError as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
    return checks
