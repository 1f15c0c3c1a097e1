"""A private PostgreSQL cluster for tests that stop and restart PostgreSQL (`initdb` +
`pg_ctl` on a port of its own, trust authentication); never the shared server.

PostgreSQL refuses to run as root: as root, the cluster runs as the OS user `postgres`, in
a directory of the system's temporary directory that user owns (pytest's own temporary
directories are root's alone)."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.e2e.harness import free_port
from tests.support.needs import postgres_server_bindir

SERVER_USER = "postgres"  # the OS user the cluster runs as when the tests run as root


class PrivatePostgres:
    def __init__(self) -> None:
        bindir = postgres_server_bindir()
        assert bindir is not None, "PostgreSQL's server programs are not installed"
        self.bindir = bindir
        self.port = free_port()
        self.home = Path(tempfile.mkdtemp(prefix="fairscore-pg-"))
        self.data = self.home / "data"
        self.log = self.home / "postgres.log"
        self.admin_url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/fairscore"
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            self._as_user = ["runuser", "-u", SERVER_USER, "--"]
            account = pwd.getpwnam(SERVER_USER)
            os.chown(self.home, account.pw_uid, account.pw_gid)
        self.running = False

    def create(self) -> None:
        """initdb, start, and an empty database `fairscore` (at `url`)."""
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        self.start()
        engine = create_engine(self.admin_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text("CREATE DATABASE fairscore"))
        finally:
            engine.dispose()

    def start(self) -> None:
        # fsync off: a test's data need not survive the machine, and fsync is slow here.
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl",
            "start",
            "-w",
            "-t",
            "30",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
        )
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """pg_ctl stop: "fast" ends every session at once (what a restart does), "immediate"
        is a crash (recovery from the WAL at the next start)."""
        if self.running:
            self._run("pg_ctl", "stop", "-w", "-t", "30", "-m", mode, "-D", str(self.data))
            self.running = False

    def remove(self) -> None:
        """Stop the cluster and delete its directory."""
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [*self._as_user, str(self.bindir / program), *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"{program} {' '.join(args)}: {done.stdout}{done.stderr}"
