"""The README's "full stack" walk-through on PostgreSQL and Redis: `fairscore serve` listening
on $PORT (no --port), the image's healthcheck command, the example events sent by the example
script as a signed webhook, and the agent's score they produce."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.harness import Stack, free_port

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCORES = """query { agentScores(period: {grain: MONTH, start: "2026-11-01"}) {
  agent { name } total metrics { key value sampleSize } } }"""


@pytest.fixture
def readme_stack(database_url: str, redis_url: str, tmp_path: Path) -> Iterator[Stack]:
    s = Stack(
        database_url=database_url,
        redis_url=redis_url,
        workdir=tmp_path,
        queue_name=f"fairscore-readme-{uuid.uuid4().hex[:6]}",
    )
    s.env["PORT"] = str(s.port)
    s.cli("db", "upgrade")
    try:
        s.start("serve", log="serve.log")  # as the README runs it: the port comes from PORT
        s.start("worker", log="worker.log")
        _wait_for(lambda: _get(f"{s.url}/readyz") == 200, what="the API on $PORT", stack=s)
        yield s
    finally:
        s.stop()


def _get(url: str) -> int | None:
    try:
        return httpx.get(url, timeout=1).status_code
    except httpx.HTTPError:
        return None


def _wait_for(ready: Any, *, what: str, stack: Stack, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} not ready: " + (stack.workdir / "serve.log").read_text())


def _image_healthcheck() -> str:
    dockerfile = (ROOT / "Dockerfile").read_text()
    match = re.search(r"^HEALTHCHECK .*?\\\n\s+CMD (.+)$", dockerfile, re.M)
    assert match, "Dockerfile has no HEALTHCHECK CMD"
    return match.group(1)


def test_the_full_stack_as_the_readme_runs_it(readme_stack: Stack) -> None:
    # The image's HEALTHCHECK command finds the API on $PORT, and fails where nothing listens.
    check = _image_healthcheck()
    up = subprocess.run(["sh", "-c", check], env=readme_stack.env, timeout=10, check=False)
    assert up.returncode == 0
    nobody = {**readme_stack.env, "PORT": str(free_port())}
    down = subprocess.run(
        ["sh", "-c", check], env=nobody, capture_output=True, timeout=10, check=False
    )
    assert down.returncode != 0

    # A tenant, a client and an integration; the example events through the example script.
    token, hook = readme_stack.open_tenant(scopes="read admin")
    sent = subprocess.run(
        [
            sys.executable,
            "docs/examples/send_webhook.py",
            readme_stack.url + hook["webhook_path"],
            hook["secret"],
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert sent.returncode == 0, sent.stdout + sent.stderr
    assert sent.stdout.startswith("202 ")

    def scored() -> dict[str, Any] | None:
        rows = readme_stack.graphql(token, SCORES)["agentScores"]
        return rows[0] if rows and rows[0]["total"] is not None else None

    _wait_for(scored, what="a score", stack=readme_stack)
    row = scored()
    assert row is not None
    metrics = {m["key"]: (m["value"], m["sampleSize"]) for m in row["metrics"]}
    assert row["agent"]["name"] == "Ada Lovelace"
    assert metrics["first_response_time"] == (2700, 5)
    assert metrics["csat"] == (pytest.approx(0.8), 5)
    assert row["total"] == pytest.approx(108.33, abs=0.01)  # the README's figure
