"""Known infrastructure failures end a command with one line that says what to do.

A malformed DATABASE_URL, a missing role or database, a schema behind the code, an
unreachable Redis: the operator reads `error: <what is wrong>; <what to do>` and the
command exits with status 1. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import re
from typing import Any

from alembic.util.exc import CommandError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rich.markup import escape
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError
from typer.core import TyperGroup

from cli.output import fail
from infra.bootstrap import QueueUnavailableError, container
from infra.db.engine import make_engine
from infra.db.migrate import database_schema_problem
from infra.settings import Settings

# What a bad DATABASE_URL raises: unparsable (ArgumentError; ValueError for a port that
# is not a number) or naming a driver that is not installed (ImportError).
URL_ERRORS = (ArgumentError, ValueError, ImportError)
KNOWN = (
    *URL_ERRORS,
    SQLAlchemyError,
    CommandError,
    QueueUnavailableError,
    RedisConnectionError,
    RedisTimeoutError,
)
EXAMPLE_URLS = "postgresql+psycopg://user:password@host:5432/fairscore or sqlite:///fairscore.db"


class FriendlyErrors(TyperGroup):
    """The root command group: every command runs inside its `invoke`."""

    def invoke(self, ctx: Any) -> Any:  # ctx: typer's vendored click.Context
        try:
            return super().invoke(ctx)
        except KNOWN as exc:
            message = explain(exc, container().settings)
            if message is None:
                raise
            raise fail(escape(message)) from None


def explain(exc: Exception, settings: Settings) -> str | None:
    """One line saying what is wrong and what to do; None for an unexpected failure."""
    if isinstance(exc, CommandError):  # alembic: e.g. an unknown revision
        return str(exc)
    if isinstance(exc, QueueUnavailableError | RedisConnectionError | RedisTimeoutError):
        return f"cannot reach Redis at {shown(settings.redis_url or '')}: {exc}; check REDIS_URL"
    url = settings.database_url
    if isinstance(exc, URL_ERRORS):
        problem = _url_problem(url, like=exc)  # the URL's fault only if it reproduces
        return None if problem is None else _bad_url(url, problem)
    if isinstance(exc, DBAPIError):
        # No statement: it failed to connect, or at COMMIT (a deferred constraint, a
        # lock); only a fresh connection tells which.
        if exc.statement is None and not _connects(url):
            return _cannot_connect(url, _reason(exc))
        return _schema_or_operational(url, exc)
    return None


def shown(url: str) -> str:
    """`url` without its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1:***@", url)


def _url_problem(url: str, *, like: Exception) -> str | None:
    """What is wrong with `url`, when parsing it and loading its driver fails as `like` did."""
    try:
        make_engine(url).dispose()  # parses the URL and loads its driver; connects nothing
    except URL_ERRORS as exc:
        return str(exc) if type(exc) is type(like) else None
    return None


def _connects(url: str) -> bool:
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect():
            return True
    except DBAPIError:
        return False
    finally:
        engine.dispose()


def _bad_url(url: str, problem: str) -> str:
    return f"DATABASE_URL {shown(url)!r} is not usable ({problem}); use e.g. {EXAMPLE_URLS}"


def _reason(exc: DBAPIError) -> str:
    """The driver's message, without psycopg's 'connection to server … failed:' preamble."""
    first = str(exc.orig).strip().splitlines()[0]
    return re.sub(r"^FATAL:\s*", "", first.rsplit(" failed: ", 1)[-1]).strip()


def _cannot_connect(url: str, reason: str) -> str:
    if re.search(r'^database ".*" does not exist', reason):
        name = make_url(url).database
        hint = f"create it (e.g. `createdb {name}`), then run `fairscore db upgrade`"
    elif re.search(r'^role ".*" does not exist', reason):
        hint = "create that role, or name another user in DATABASE_URL"
    elif "password authentication failed" in reason:
        hint = "check the user and password in DATABASE_URL"
    elif "unable to open database file" in reason:
        hint = "check that the SQLite file's directory exists and is writable"
    else:
        hint = "check DATABASE_URL and that the database server is running"
    return f"cannot connect to the database at {shown(url)}: {reason}; {hint}"


def _schema_or_operational(url: str, exc: DBAPIError) -> str | None:
    """A statement failed: most likely on a schema behind the code (a missing table or
    column); otherwise an operational failure gets its one line, and a bug its traceback."""
    try:
        problem = database_schema_problem(url)
    except SQLAlchemyError:
        problem = None
    if problem is not None:
        return f"the database at {shown(url)} is {problem}"
    if isinstance(exc, OperationalError):
        return f"the database at {shown(url)} failed: {_reason(exc)}"
    return None
