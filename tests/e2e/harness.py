"""A running Fairscore: `fairscore serve` (+ `fairscore worker`) as real processes."""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

import httpx
from gql import Client, GraphQLRequest
from gql.transport.httpx import HTTPXTransport

from tests.support.api import batch, signed_headers
from tests.support.faults import backlog
from tests.support.logins import login_env

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Stack:
    def __init__(
        self,
        *,
        database_url: str,
        redis_url: str | None,
        workdir: Path,
        queue_name: str = "fairscore",
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        self.database_url = database_url  # the owner's: a test's own reads and seeds
        self.env = {
            **os.environ,
            # On PostgreSQL as in production: the app logs in as a role row-level security
            # binds, its cross-tenant paths as the system login, migrations as the owner.
            **login_env(database_url),
            "DATA_DIR": str(workdir / "keys"),
            "QUEUE_NAME": queue_name,
            "LOG_LEVEL": "WARNING",
            "JWT_ISSUER": self.url,
            # The processes import this checkout, not whatever the shared venv's editable
            # install points at (another worktree, perhaps gone).
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("REDIS_URL", None)
        if redis_url:
            self.env["REDIS_URL"] = redis_url
        self.processes: list[subprocess.Popen[bytes]] = []
        self._logs: list[BinaryIO] = []

    # processes -------------------------------------------------------------
    def migrate(self) -> None:
        """`fairscore db upgrade`, and on PostgreSQL `fairscore db roles` (the owner is the
        test server's superuser): the app then logs in as the role row-level security binds."""
        self.cli("db", "upgrade")
        if "SYSTEM_DATABASE_URL" in self.env:
            self.cli("db", "roles")

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "cli", *args],
            env=self.env,
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, f"fairscore {' '.join(args)}: {done.stderr[-3000:]}"
        return done.stdout

    def start(self, *args: str, log: str) -> subprocess.Popen[bytes]:
        out = (self.workdir / log).open("wb")
        self._logs.append(out)
        process = subprocess.Popen(
            [sys.executable, "-m", "cli", *args],
            env=self.env,
            cwd=self.workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def start_worker(self, *args: str) -> subprocess.Popen[bytes]:
        """`fairscore worker` (log: worker.log, at INFO), once it listens on the queue and,
        unless `--no-cron`, its cron child runs."""
        process = self.start("worker", *args, log="worker.log")
        ready = ["Listening on"] if "--no-cron" in args else ["Listening on", "registering birth"]
        wait_for_log(self.workdir / "worker.log", *ready, process=process)
        return process

    def serve(self, *args: str) -> None:
        """`fairscore serve` (with `args`, e.g. `--workers 2`), once /healthz answers."""
        self.start("serve", "--port", str(self.port), *args, log="serve.log")
        deadline = time.monotonic() + 60  # spawned uvicorn workers each import the app
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()  # the caller's teardown may never run
        raise AssertionError("API did not start: " + (self.workdir / "serve.log").read_text())

    def stop(self) -> None:
        """SIGTERM every process started here (a worker stops within 10 s); SIGKILL the
        ones that do not. Safe to call twice."""
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
        for out in self._logs:
            out.close()
        self._logs.clear()

    def open_tenant(
        self, *, scopes: str, name: str = "Acme Support", timezone: str = "Europe/Berlin"
    ) -> tuple[str, dict[str, Any]]:
        """Tenant "acme" (through the CLI) with an API client of `scopes` and a generic webhook
        integration: an access token of that client, and the integration as the CLI prints it
        (`webhook_path`, `secret`, ...)."""
        self.cli("tenant", "create", "acme", "--name", name, "--timezone", timezone)
        client = json.loads(
            self.cli("client", "create", "--tenant", "acme", "--scopes", scopes, "--json")
        )
        hook = json.loads(
            self.cli("integration", "create", "--tenant", "acme", "--source", "generic", "--json")
        )
        return self.token(client["client_id"], client["client_secret"]), hook

    # HTTP -----------------------------------------------------------------
    def token(self, client_id: str, secret: str, scope: str | None = None) -> str:
        form = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
        response = httpx.post(f"{self.url}/oauth/token", data=form, auth=(client_id, secret))
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def graphql(self, token: str, query: str, **variables: Any) -> dict[str, Any]:
        response = httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert not body.get("errors"), body["errors"]
        return dict(body["data"])

    def post_webhooks(
        self,
        path: str,
        secret: str,
        events: list[dict[str, Any]],
        *,
        seed: int = 1,
        max_batch: int = 40,
    ) -> int:
        """Deliver events in random batches, re-sending some deliveries as a helpdesk would."""
        rng = random.Random(seed)
        sent, start, batches = 0, 0, []
        while start < len(events):
            size = rng.randint(1, max_batch)
            batches.append(events[start : start + size])
            start += size
        with httpx.Client(base_url=self.url, timeout=30) as client:
            for n, batch in enumerate(batches):
                repeats = 2 if rng.random() < 0.1 else 1  # a vendor retry: same webhook-id
                for _ in range(repeats):
                    status = self._post(client, path, secret, f"msg-{seed}-{n}", batch)
                    assert status in (200, 202), status
                sent += 1
        return sent

    def _post(
        self,
        client: httpx.Client,
        path: str,
        secret: str,
        msg_id: str,
        events: Iterable[dict[str, Any]],
    ) -> int:
        body = batch(events)
        response = client.post(
            path, content=body, headers=signed_headers(secret, body, msg_id=msg_id)
        )
        return response.status_code


def wait_until_drained(database_url: str, timeout: float = 300) -> None:
    """Poll the database until the derivation outbox is empty: no webhook delivery
    pending, no roll-up and no rebuild/re-score/re-attribution request waiting — all
    three read in one snapshot (tests/support/faults.py `backlog`)."""
    url = database_url.replace("postgresql://", "postgresql+psycopg://")
    deadline = time.monotonic() + timeout
    while not (left := backlog(url)).empty:
        if time.monotonic() >= deadline:
            raise AssertionError(f"{left} still pending after {timeout}s")
        time.sleep(0.5)


def wait_for_log(
    path: Path,
    *needles: str,
    timeout: float = 60,
    process: subprocess.Popen[bytes] | None = None,
) -> str:
    """The text of a process's log once it holds every needle (fails early if it exits)."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = path.read_text(errors="replace") if path.exists() else ""
        if all(needle in text for needle in needles):
            return text
        assert process is None or process.poll() is None, f"it exited:\n{text[-3000:]}"
        time.sleep(0.1)
    raise AssertionError(f"{path.name} lacks {needles} after {timeout}s:\n{text[-3000:]}")


def wait_for_file(path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} did not appear within {timeout}s"
        time.sleep(0.05)


def worker_stack(*, database_url: str, redis_url: str, workdir: Path) -> Stack:
    """A Stack for the worker's own tests: INFO logs, a queue of its own, and the jobs of
    tests/e2e/worker_jobs.py importable by the worker."""
    stack = Stack(
        database_url=database_url,
        redis_url=redis_url,
        workdir=workdir,
        queue_name=f"fairscore-worker-{uuid.uuid4().hex[:6]}",
    )
    stack.env.update(PYTHONPATH=str(ROOT), LOG_LEVEL="INFO")
    return stack


class GqlSession:
    """The real `gql` client on the stack with one token: `run(query, **variables)` answers
    the data (a GraphQL error raises)."""

    def __init__(self, stack: Stack, token: str) -> None:
        transport = HTTPXTransport(
            url=f"{stack.url}/graphql", headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
        self.client = Client(transport=transport)

    def __enter__(self) -> GqlSession:
        self.session = self.client.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.__exit__(*exc)

    def run(self, query: str, **variables: Any) -> dict[str, Any]:
        return dict(self.session.execute(GraphQLRequest(query, variable_values=variables)))
