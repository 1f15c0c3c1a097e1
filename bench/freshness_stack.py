"""The freshness bench's private Fairscore: its own database, queue and processes.

A database of its own on the shared PostgreSQL server (created, then dropped), a queue name of
its own on the shared Redis, and `fairscore serve` + `fairscore worker` run as the operator
runs them (`python -m cli ...`, configured by environment only). Setup goes through the
operator's functions (infra.admin) in this process, with the same DATA_DIR, so the API
processes share its development keys.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import httpx
import redis
from sqlalchemy import Engine, create_engine, text

from bench import dataset
from bench.process_cpu import CpuWindow, tree_cpu_seconds
from domain.ports import TenantId, TenantProfile
from infra import admin
from infra.bootstrap import Container, install
from infra.bulk.rebuild import bulk_rebuild
from infra.db.migrate import upgrade
from infra.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
TIMEZONE = "Europe/Berlin"


@dataclass(frozen=True)
class Tenant:
    slug: str
    id: TenantId
    webhook_path: str
    secret: str
    client_id: str
    client_secret: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Stack:
    """The private database, queue and processes; `close()` removes all of them."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.database_url = ADMIN_URL.rsplit("/", 1)[0] + f"/{database}"
        self.queue_name = f"fairscore-fresh-{uuid.uuid4().hex[:8]}"
        self.workdir = Path(tempfile.mkdtemp(prefix="fairscore-fresh-"))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.redis = redis.Redis.from_url(REDIS_URL)
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": REDIS_URL,
            "QUEUE_NAME": self.queue_name,
            "ENVIRONMENT": "development",
            "DATA_DIR": str(self.workdir / "keys"),
            "JWT_ISSUER": self.url,
            "ACCESS_TOKEN_TTL": "3600",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            # The benches push ~1,000 webhooks/s to one integration, past the default limit
            # (60,000/minute): still counted in Redis on every request, never refused.
            "RATE_LIMIT_WEBHOOK": "10000000/minute",
        }
        self.api: subprocess.Popen[bytes] | None = None
        self.workers: list[subprocess.Popen[bytes]] = []
        self._logs: list[IO[bytes]] = []
        self._started_workers = 0
        self.container: Container | None = None
        self._activity: Engine | None = None  # reads pg_stat_activity (cpu_window)

    # database ---------------------------------------------------------------------------
    def create_database(self) -> Container:
        """A fresh private database at the latest schema, and a container on it."""
        self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.database}"')
        upgrade(self.database_url)
        settings = Settings(
            database_url=self.database_url,
            data_dir=self.workdir / "keys",
            log_level="WARNING",
            environment="development",
        )
        self.container = Container(settings)
        install(self.container)
        return self.container

    def _admin(self, sql: str) -> None:
        engine = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(sql))
        finally:
            engine.dispose()

    # processes --------------------------------------------------------------------------
    def _start(self, log: str, *args: str, **env: str) -> subprocess.Popen[bytes]:
        out = (self.workdir / log).open("wb")
        self._logs.append(out)
        return subprocess.Popen(  # noqa: S603 - this interpreter, the project's own CLI
            [sys.executable, "-m", "cli", *args],
            env={**self.env, **env},
            cwd=self.workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def serve(self, *options: str) -> None:
        """`fairscore serve` on the stack's port, with any further `options`."""
        self.api = self._start("serve.log", "serve", "--port", str(self.port), *options)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.api.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError("the API did not start:\n" + self.log_tail("serve.log"))

    def start_workers(self, count: int, **env: str) -> float:
        """Start `count` workers (with `env` set); the monotonic time the first of them
        listened."""
        started = []
        for _ in range(count):
            self._started_workers += 1
            log = f"worker-{self._started_workers}.log"
            # INFO: the worker says when it listens on the queue
            self.workers.append(self._start(log, "worker", LOG_LEVEL="INFO", **env))
            started.append(log)
        return min(self._listening(log) for log in started)

    def _listening(self, log: str) -> float:
        deadline = time.monotonic() + 60
        path = self.workdir / log
        while time.monotonic() < deadline:
            if "Listening on" in path.read_text(errors="replace"):
                return time.monotonic()
            time.sleep(0.02)
        raise RuntimeError(f"{log}: the worker did not listen:\n" + self.log_tail(log))

    def hold_jobs(self) -> list[bytes]:
        """Take every queued job id out of the queue (the jobs stay stored) until
        `release_jobs`: workers can then start up without draining meanwhile."""
        key = f"rq:queue:{self.queue_name}"
        with self.redis.pipeline() as pipe:  # MULTI: nothing is pushed in between
            pipe.lrange(key, 0, -1)
            pipe.delete(key)
            ids, _ = pipe.execute()
        return list(ids)

    def release_jobs(self, ids: list[bytes]) -> None:
        if ids:
            self.redis.rpush(f"rq:queue:{self.queue_name}", *ids)  # wakes the listening workers

    def settle_workers(
        self, *, quiet: float = 0.05, every: float = 0.5, timeout: float = 60
    ) -> None:
        """Wait until the workers and their cron children have finished starting up:
        together under `quiet` CPU seconds per `every` seconds."""
        deadline = time.monotonic() + timeout
        last = self._workers_tree_cpu()
        while time.monotonic() < deadline:
            time.sleep(every)
            now = self._workers_tree_cpu()
            if now - last < quiet:
                return
            last = now

    def _workers_tree_cpu(self) -> float:
        return sum(tree_cpu_seconds(w.pid) for w in self.workers if w.poll() is None)

    def worker_cpu(self) -> float:
        """CPU seconds (user + system) the running workers have used so far: the machine is
        shared, so the work per event is read beside the wall-clock figures."""
        return sum(_cpu_seconds(w.pid) for w in self.workers if w.poll() is None)

    def cpu_window(self) -> CpuWindow:
        """CPU from now on of the workers (with their cron children), `fairscore serve`
        (with its uvicorn workers) and the PostgreSQL backends of the private database
        (a local server: their pids are read from pg_stat_activity)."""
        return CpuWindow(
            lambda: {
                "workers": [w.pid for w in self.workers if w.poll() is None],
                "serve": [self.api.pid] if self.api and self.api.poll() is None else [],
            },
            self._backend_pids,
        )

    def _backend_pids(self) -> list[int]:
        if self._activity is None:
            self._activity = create_engine(ADMIN_URL, pool_size=1)
        with self._activity.connect() as conn:
            rows = conn.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = :db"), {"db": self.database}
            )
            return [int(pid) for (pid,) in rows]

    def stop_workers(self) -> None:
        _terminate(self.workers)
        self.workers.clear()

    def log_tail(self, log: str, size: int = 3000) -> str:
        path = self.workdir / log
        return path.read_text(errors="replace")[-size:] if path.exists() else ""

    def close(self, *, keep: bool = False) -> None:
        """Stop every process (SIGTERM, then SIGKILL), drop the database and the queue."""
        _terminate([*self.workers, *([self.api] if self.api else [])])
        self.workers.clear()
        self.api = None
        for out in self._logs:
            out.close()
        if self._activity is not None:
            self._activity.dispose()
        if self.container is not None:
            install(None)  # closes its engine
            self.container = None
        for key in (f"rq:queue:{self.queue_name}", f"rq:workers:{self.queue_name}"):
            self.redis.delete(key)
        self.redis.close()
        if keep:
            print(f"  kept database {self.database} and logs in {self.workdir}")
            return
        self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        shutil.rmtree(self.workdir, ignore_errors=True)


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # not Linux, or the process is gone
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _terminate(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# tenants ----------------------------------------------------------------------------------
def open_tenant(c: Container, slug: str) -> Tenant:
    """A tenant with a read client and a generic integration (the operator's functions)."""
    profile = admin.create_tenant(c, slug=slug, name=f"Fresh {slug}", timezone=TIMEZONE)
    return _equip(c, profile)


def _equip(c: Container, profile: TenantProfile) -> Tenant:
    client_id, client_secret = admin.create_client(c, tenant=profile.id, scopes=["read"])
    hook = admin.create_integration(c, tenant=profile.id, source="generic", secret=None)
    return Tenant(
        slug=profile.slug,
        id=profile.id,
        webhook_path=f"/webhooks/generic/{hook.id}",
        secret=hook.secret,
        client_id=client_id,
        client_secret=client_secret,
    )


def history_tenant(c: Container, slug: str, tickets: int) -> tuple[Tenant, int]:
    """A tenant whose history (bench/dataset.py: `tickets` tickets, ≈ 8.8 events each) ends
    a week ago, so today's week, month and quarter hold much of it; derived data built by
    the bulk rebuild. Its agents (ag1 … ag500) are the ones the load then talks about."""
    ends = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    shape = replace(
        dataset.shape(tickets, seed=11, activity=False),
        start=ends - timedelta(days=372),
        days=365,
        prefix="H",
    )
    profile, events = dataset.ensure_tenant(c, slug, shape)
    bulk_rebuild(c, profile.id, workers=2)
    return _equip(c, profile), events
