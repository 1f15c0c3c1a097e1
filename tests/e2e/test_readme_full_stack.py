"""The README's "The full stack" section, run as written: its ```bash blocks are read from
README.md and run by bash (psql, curl and jq included) against the local PostgreSQL and
Redis, and the score it states is the score they produce. Only what must differ for
isolation is substituted: the role and database name, the Redis database and queue, the
port, and the directory of the generated signing key. Also the image's healthcheck."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import redis

from tests.conftest import REDIS_URL, missing, require_service
from tests.e2e.harness import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.needs("readme-tools", "postgres", "redis")]

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## The full stack"
DAEMON = re.compile(r"^\S*fairscore (serve|worker)\b")  # long-running: started, not waited for
STOP_SECONDS = 10  # `fairscore worker` stops within 10 s of SIGTERM


@dataclass(frozen=True)
class Walkthrough:
    """The section's commands (already isolated) and the score it promises."""

    create: str  # psql: the role and the database
    exports: str  # "the two exports in every shell"
    setup: str  # fairscore db upgrade
    daemons: dict[str, str]  # serve / worker: command line
    steps: str  # tenant, client, integration, webhook, token (the block up to the query)
    query: str  # the final curl ... | jq, run again while `total` is null
    start_over: str  # psql: DROP DATABASE, DROP ROLE
    agent: str
    total: float
    first_response: int
    csat: float
    tickets: int


# README text ------------------------------------------------------------------------------
def readme_section() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(SECTION + "\n")
    end = text.find("\n## ", start + len(SECTION))
    return text[start : end if end >= 0 else None]


def isolate(section: str, *, name: str, redis_db: int, port: int) -> str:
    """The section with this run's role/database, Redis database and port. Each substitution
    must apply, so a README that changes these lines fails here rather than going unnoticed."""
    rules = [
        (r"\b(ROLE|DATABASE|OWNER) fairscore\b", rf"\1 {name}"),
        (
            r"(postgresql\+psycopg://)fairscore:(\w+)@([^/\s]+)/fairscore\b",
            rf"\1{name}:\2@\3/{name}",
        ),
        (r"(REDIS_URL=redis://[^/\s]+/)\d+\b", rf"\g<1>{redis_db}"),
        (r"\blocalhost:8000\b", f"localhost:{port}"),
    ]
    for pattern, replacement in rules:
        section, count = re.subn(pattern, replacement, section)
        assert count, f"README's {SECTION!r} no longer matches {pattern!r}"
    return section


def walkthrough(section: str) -> Walkthrough:
    blocks = re.findall(r"^```bash\n(.*?)^```", section, re.S | re.M)
    assert len(blocks) == 3, f"expected 3 bash blocks (create, run, score), got {len(blocks)}"
    create, run, score = blocks
    lines = [line for line in run.splitlines() if line.strip()]
    daemons = {m.group(1): line for line in lines if (m := DAEMON.match(line))}
    assert set(daemons) == {"serve", "worker"}, run
    steps = score.splitlines()
    last = max(i for i, line in enumerate(steps) if line.startswith("curl "))
    start_over = re.search(r"To start over:\s*`([^`]+)`", section)
    assert start_over, "the section no longer says how to start over"
    return Walkthrough(
        create=create,
        exports="\n".join(line for line in lines if line.startswith("export ")),
        setup="\n".join(
            line for line in lines if not line.startswith("export ") and not DAEMON.match(line)
        ),
        daemons=daemons,
        steps="\n".join(steps[:last]),
        query="\n".join(steps[last:]),
        start_over=start_over.group(1),
        **promised_score(section),
    )


def promised_score(section: str) -> dict[str, Any]:
    said = re.search(
        r"(\w[\w ]*?) scores ([\d.]+): a median first response of ([\d,]+) s and CSAT"
        r" ([\d.]+), over (\d+)\s+tickets each",
        section,
    )
    assert said, "the section no longer states the agent's score"
    return {
        "agent": said.group(1),
        "total": float(said.group(2)),
        "first_response": int(said.group(3).replace(",", "")),
        "csat": float(said.group(4)),
        "tickets": int(said.group(5)),
    }


def exported(walk: Walkthrough, var: str) -> str:
    found = re.search(rf"^export {var}=(\S+)", walk.exports, re.M)
    assert found, f"the section no longer exports {var}"
    return found.group(1)


# running it -------------------------------------------------------------------------------
class Shells:
    """bash -euo pipefail in the repository root, with the environment of this run."""

    def __init__(self, *, walk: Walkthrough, env: dict[str, str], workdir: Path) -> None:
        self.walk, self.env, self.workdir = walk, env, workdir
        self.daemons: dict[str, subprocess.Popen[bytes]] = {}

    def run(self, script: str, *, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def ok(self, script: str) -> str:
        done = self.run(script)
        assert done.returncode == 0, f"{script}\n--- exit {done.returncode}:\n{done.stderr}"
        return done.stdout

    def in_shell(self, script: str) -> str:
        """`script` in a shell with the two exports, as the README asks of every shell."""
        return self.ok(f"{self.walk.exports}\n{script}")

    def start(self, name: str) -> None:
        log = (self.workdir / f"{name}.log").open("wb")
        with log:  # the child holds its own descriptor
            self.daemons[name] = subprocess.Popen(
                [
                    "bash",
                    "-euo",
                    "pipefail",
                    "-c",
                    f"{self.walk.exports}\nexec {self.walk.daemons[name]}",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def log(self, name: str) -> str:
        return (self.workdir / f"{name}.log").read_text(errors="replace")

    def logs(self) -> str:
        return "\n".join(
            f"--- {name}.log:\n"
            + (self.workdir / f"{name}.log").read_text(errors="replace")[-3000:]
            for name in self.daemons
        )

    def stop(self) -> list[str]:
        """SIGTERM each daemon (exec'd: the pid is fairscore's); the names of those that did
        not stop in time (killed)."""
        for process in self.daemons.values():
            process.send_signal(signal.SIGTERM)
        late = []
        for name, process in self.daemons.items():
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                late.append(name)
                process.kill()
                process.wait()
        self.daemons.clear()
        return late


def require_tools() -> None:
    absent = [tool for tool in ("psql", "curl", "jq") if shutil.which(tool) is None]
    if not (ROOT / ".venv/bin/fairscore").exists():
        absent.append(".venv/bin/fairscore (python3 dev.py test makes it)")
    if absent:
        missing(f"the README's full stack needs {', '.join(absent)} (.ci/run installs them)")


def forget_queue(url: str, queue: str) -> None:
    """Delete what this run's queue left in Redis: its registries, the jobs that came from it
    (with their results and cron history), and its worker's and cron scheduler's records
    (which would expire)."""
    client = redis.Redis.from_url(url)
    try:
        ids = [
            key.decode().split(":", 2)[2]
            for key in client.scan_iter("rq:job:*")
            if key.count(b":") == 2 and client.hget(key, "origin") == queue.encode()
        ]
        workers = _hashes_naming(client, "rq:worker:*", "queues", queue)
        schedulers = _hashes_naming(client, "rq:cron_scheduler:*", "cron_jobs", queue)
        keys = [*client.scan_iter(f"*{queue}*"), *workers, *schedulers]
        keys += [key for i in ids for key in client.scan_iter(f"rq:*{i}*")]
        for history in client.scan_iter("rq:cron_job:*:jobs"):
            if ids:
                client.zrem(history, *ids)
        for key in workers:
            client.srem("rq:workers", key)
        for key in schedulers:
            client.zrem("rq:cron_schedulers", key.decode().removeprefix("rq:cron_scheduler:"))
        client.srem("rq:queues", f"rq:queue:{queue}")
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def _hashes_naming(client: redis.Redis, pattern: str, field: str, queue: str) -> list[bytes]:
    found = []
    for key in client.scan_iter(pattern):
        if client.type(key) == b"hash" and queue.encode() in (client.hget(key, field) or b""):
            found.append(key)
    return found


@pytest.fixture
def shells(tmp_path: Path) -> Iterator[Shells]:
    require_tools()
    name = f"fairscore_readme_{uuid.uuid4().hex[:10]}"
    redis_db = int(urlsplit(REDIS_URL).path.strip("/") or 0)  # the suite's Redis database
    port = free_port()
    walk = walkthrough(isolate(readme_section(), name=name, redis_db=redis_db, port=port))
    require_service("PostgreSQL (the README's)", exported(walk, "DATABASE_URL"))
    redis_url = exported(walk, "REDIS_URL")
    require_service("Redis (the README's)", redis_url)
    queue = f"fairscore-readme-{uuid.uuid4().hex[:6]}"
    env = {**os.environ, "PORT": str(port), "QUEUE_NAME": queue, "DATA_DIR": str(tmp_path / "keys")}
    for var in (
        "DATABASE_URL",
        "REDIS_URL",
        "PGDATABASE",
        "PGUSER",
        "PGHOST",
        "PGPORT",
        "SECRET_KEYS",  # the README's own settings must be enough
        "ENVIRONMENT",
    ):
        env.pop(var, None)
    s = Shells(walk=walk, env=env, workdir=tmp_path)
    s.ok(walk.create)
    try:
        yield s
    finally:
        late = s.stop()
        dropped = s.run(walk.start_over)
        if dropped.returncode != 0:  # leave nothing behind, then say what went wrong
            s.run(
                f"psql -h localhost -U postgres -c 'DROP DATABASE IF EXISTS {name} WITH (FORCE)'"
                f" -c 'DROP ROLE IF EXISTS {name}'"
            )
        forget_queue(redis_url, queue)
        assert not late, f"{late} did not stop within {STOP_SECONDS} s of SIGTERM"
        assert dropped.returncode == 0, f"{walk.start_over}: {dropped.stderr}"


def wait_until(ready: Any, *, what: str, shells: Shells, seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := ready():
            return value
        for name, process in shells.daemons.items():
            assert process.poll() is None, f"{name} exited:\n{shells.logs()}"
        time.sleep(0.3)
    raise AssertionError(f"{what} not there after {seconds} s:\n{shells.logs()}")


def ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def image_healthcheck() -> str:
    dockerfile = (ROOT / "Dockerfile").read_text()
    match = re.search(r"^HEALTHCHECK .*?\\\n\s+CMD (.+)$", dockerfile, re.M)
    assert match, "Dockerfile has no HEALTHCHECK CMD"
    return match.group(1)


def test_the_readme_full_stack_runs_as_written(shells: Shells) -> None:
    walk, url = shells.walk, f"http://127.0.0.1:{shells.env['PORT']}"
    shells.in_shell(walk.setup)
    shells.start("serve")
    shells.start("worker")
    wait_until(lambda: ready(url), what="the API's /readyz on $PORT", shells=shells)
    # As the tables' owner, row-level security does not bind them: both say so at start.
    for name in ("serve", "worker"):
        wait_until(
            lambda name=name: "row-level security is OFF" in shells.log(name),
            what=f"{name}'s warning that row-level security is off",
            shells=shells,
        )

    # The image's HEALTHCHECK command finds the API on $PORT, and fails where nothing listens.
    check = image_healthcheck()
    assert shells.run(check).returncode == 0
    assert shells.run(f"PORT={free_port()} {check}").returncode != 0

    # Through to a score: the block up to its final query once, then the query until scored.
    used = sorted(set(re.findall(r"\$\{?([A-Z_]+)", walk.query)))
    state = shells.workdir / "state.sh"
    sent = shells.in_shell(f"{walk.steps}\ndeclare -p {' '.join(used)} > {state}")
    assert re.search(r"^202 ", sent, re.M), sent

    def scored() -> dict[str, Any] | None:
        answer = json.loads(shells.in_shell(f"source {state}\n{walk.query}"))
        assert answer.get("data"), answer  # e.g. 401 when the token step went wrong
        rows = answer["data"]["agentScores"]
        return rows[0] if rows and rows[0]["total"] is not None else None

    row = wait_until(scored, what="a score", shells=shells)
    metrics = {m["key"]: (m["value"], m["sampleSize"]) for m in row["metrics"]}
    assert row["agent"]["name"] == walk.agent
    assert round(row["total"], 1) == walk.total
    assert metrics["first_response_time"] == (walk.first_response, walk.tickets)
    assert metrics["csat"] == (pytest.approx(walk.csat), walk.tickets)
