"""The newcomer's path: no PostgreSQL, no Redis. SQLite in the working directory and jobs
in the API process — the README's run command, and webhooks processed in-process."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.harness import Stack
from tests.factories import Ticket

pytestmark = pytest.mark.e2e


@pytest.fixture
def stack(tmp_path: Path) -> Stack:
    # No DATABASE_URL: the default SQLite file in the working directory.
    s = Stack(database_url="", redis_url=None, workdir=tmp_path)
    s.env.pop("DATABASE_URL")
    return s


def test_the_demo_prints_a_curl_that_returns_agent_scores(stack: Stack) -> None:
    output = stack.cli("demo", "--tickets", "400", "--days", "60", "--url", stack.url)
    assert (stack.workdir / "fairscore.db").exists()
    curl = next(line for line in output.splitlines() if line.startswith("curl "))
    stack.serve()
    try:
        if shutil.which("curl"):
            done = subprocess.run(
                ["bash", "-c", curl], capture_output=True, text=True, timeout=60, check=True
            )
            body = json.loads(done.stdout)
        else:  # the same request without curl
            token = re.search(r"Bearer ([^']+)'", curl).group(1)  # type: ignore[union-attr]
            query = json.loads(re.search(r"-d '(.*)'$", curl).group(1))  # type: ignore[union-attr]
            body = httpx.post(
                f"{stack.url}/graphql", json=query, headers={"Authorization": f"Bearer {token}"}
            ).json()
    finally:
        stack.stop()
    scores = body["data"]["agentScores"]
    assert len(scores) == 12
    assert any(row["total"] is not None for row in scores)
    assert all(row["metrics"] for row in scores)


def test_webhooks_are_processed_in_the_api_process(stack: Stack) -> None:
    stack.cli("db", "upgrade")
    stack.cli("tenant", "create", "solo", "--name", "Solo", "--timezone", "UTC")
    client = json.loads(stack.cli("client", "create", "--tenant", "solo", "--json"))
    hook = json.loads(
        stack.cli("integration", "create", "--tenant", "solo", "--source", "generic", "--json")
    )
    stack.serve()
    try:
        story = Ticket("E1").created(0, assignee="a1").customer(0).agent(30, "a1").solve(60)
        stack.post_webhooks(hook["webhook_path"], hook["secret"], story.events, max_batch=2)
        token = stack.token(client["client_id"], client["client_secret"])
        ticket = None
        for _ in range(50):
            ticket = stack.graphql(
                token,
                '{ ticket(externalId: "E1") { status eventCount '
                "firstReplyAt assignee { externalId } } }",
            )["ticket"]
            if ticket and ticket["status"] == "solved":
                break
            time.sleep(0.2)
    finally:
        stack.stop()
    assert ticket == {
        "status": "solved",
        "eventCount": 4,
        "firstReplyAt": "2026-03-02T09:30:00+00:00",
        "assignee": {"externalId": "a1"},
    }
