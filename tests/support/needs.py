"""What a test needs from the machine beyond Python — real services and programs — and whether
this machine has it.

A test's needs come from the fixtures it uses (FIXTURE_NEEDS), from a database parameter set
to "postgres", and from an explicit `@pytest.mark.needs("chromium", ...)`. Where a need is
absent, tests/conftest.py leaves those tests out at collection (a developer's machine without
PostgreSQL still runs everything else, and the run says what it left out) — except in CI
(FAIRSCORE_REQUIRE_SERVICES=1), where every test runs and an absent need fails it.
"""

from __future__ import annotations

import glob
import shutil
import socket
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]


def reachable(url: str) -> bool:
    parts = urlsplit(url.replace("+psycopg", ""))
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), 2):
            return True
    except OSError:
        return False


@dataclass(frozen=True)
class Need:
    what: str  # how the run's summary names it
    how: str  # how to get it
    present: Callable[[], bool]


def _programs(*names: str) -> Callable[[], bool]:
    return lambda: all(shutil.which(name) for name in names)


def _files(*paths: str) -> Callable[[], bool]:
    return lambda: all(Path(path).exists() for path in paths)


def postgres_server_bindir() -> Path | None:
    """The directory of PostgreSQL's server programs (initdb, pg_ctl): pg_config's bindir,
    else Debian's /usr/lib/postgresql/<version>/bin (newest first), else pg_ctl on PATH.
    pg_config alone proves nothing: libpq-dev brings it without the server."""
    candidates: list[Path] = []
    if shutil.which("pg_config"):
        done = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=False
        )
        candidates.append(Path(done.stdout.strip()))
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted((Path(p) for p in versions), key=_version, reverse=True)
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    return next(
        (d for d in candidates if (d / "initdb").exists() and (d / "pg_ctl").exists()), None
    )


def _version(bindir: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in bindir.parent.name.split(".") if part.isdigit())


def needs_table(postgres_url: str, redis_url: str) -> dict[str, Need]:
    return {
        "postgres": Need(
            f"PostgreSQL at {postgres_url}",
            "start it or set TEST_POSTGRES_URL",
            lambda: reachable(postgres_url),
        ),
        "redis": Need(
            f"Redis at {redis_url}", "start it or set TEST_REDIS_URL", lambda: reachable(redis_url)
        ),
        "redis-server": Need(
            "the redis-server program", "Debian package redis-server", _programs("redis-server")
        ),
        "pg_ctl": Need(
            "PostgreSQL's server programs (initdb, pg_ctl)",
            "Debian package postgresql",
            lambda: postgres_server_bindir() is not None,
        ),
        "chromium": Need(
            "Chromium and ChromeDriver",
            "Debian packages chromium, chromium-driver",
            _files("/usr/bin/chromium", "/usr/bin/chromedriver"),
        ),
        "poppler": Need(
            "the pdftotext and pdftoppm programs",
            "Debian package poppler-utils",
            _programs("pdftotext", "pdftoppm"),
        ),
        "promtool": Need(
            "the promtool program", "Debian package prometheus", _programs("promtool")
        ),
        "readme-tools": Need(
            "psql, curl, jq and .venv/bin/fairscore",
            "Debian packages postgresql-client, curl, jq; `python3 dev.py test` makes the venv",
            lambda: _programs("psql", "curl", "jq")() and (ROOT / ".venv/bin/fairscore").exists(),
        ),
    }


# Fixtures whose use means a need (their closure: a test using `stack` uses `redis_url`).
FIXTURE_NEEDS: dict[str, tuple[str, ...]] = {
    "postgres_url": ("postgres",),
    "postgres_admin_url": ("postgres",),
    "redis_url": ("redis",),
    "redis": ("redis-server",),  # tests/e2e/conftest.py: a private redis-server
    "private_postgres": ("pg_ctl",),  # tests/e2e/conftest.py: a private PostgreSQL cluster
}
# Parametrized database fixtures ("sqlite" or "postgres"): the postgres case needs PostgreSQL.
DATABASE_PARAMS = ("database_url", "empty_database")


def needs_of(item: pytest.Item) -> set[str]:
    found = {
        need for name in getattr(item, "fixturenames", ()) for need in FIXTURE_NEEDS.get(name, ())
    }
    params = getattr(getattr(item, "callspec", None), "params", {})
    if any(params.get(name) == "postgres" for name in DATABASE_PARAMS):
        found.add("postgres")
    for mark in item.iter_markers("needs"):
        found.update(mark.args)
    found.update(service for service in ("postgres", "redis") if item.get_closest_marker(service))
    return found


class Machine:
    """The needs this machine lacks, each checked once and only when a test asks."""

    def __init__(self, table: dict[str, Need]) -> None:
        self.table = table
        self.lacks = cache(lambda name: not table[name].present())
