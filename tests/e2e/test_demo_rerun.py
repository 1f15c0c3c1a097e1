"""`fairscore demo` run twice on one SQLite file: one demo API client, whose secret the
second run replaces, and a printed token and curl that work."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from infra.db.tables import API_CLIENT
from tests.e2e.harness import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture
def stack(tmp_path: Path) -> Stack:
    return Stack(database_url=f"sqlite:///{tmp_path / 'demo.db'}", redis_url=None, workdir=tmp_path)


def demo(stack: Stack) -> tuple[str, str, str, str]:
    """(client id, secret, token, curl) as one run prints them."""
    output = stack.cli("demo", "--tickets", "60", "--days", "20", "--url", stack.url)
    found = re.search(r"Demo client (\S+) +secret (\S+)\n", output)
    assert found, output
    curl = next(line for line in output.splitlines() if line.startswith("curl "))
    token = re.search(r"Bearer ([^']+)'", curl)
    assert token, curl
    return found.group(1), found.group(2), token.group(1), curl


def clients(stack: Stack) -> int:
    engine = create_engine(stack.database_url)
    try:
        with engine.connect() as db:
            return int(db.execute(select(func.count()).select_from(API_CLIENT)).scalar_one())
    finally:
        engine.dispose()


def token_status(stack: Stack, client_id: str, secret: str) -> int:
    form = {"grant_type": "client_credentials"}
    return httpx.post(f"{stack.url}/oauth/token", data=form, auth=(client_id, secret)).status_code


def test_a_second_demo_reuses_its_client_and_prints_a_working_token(stack: Stack) -> None:
    first_id, first_secret, _, _ = demo(stack)
    second_id, second_secret, token, curl = demo(stack)

    assert clients(stack) == 1
    assert second_id == first_id
    assert second_secret != first_secret
    stack.serve()
    try:
        query = json.loads(re.search(r"-d '(.*)'$", curl).group(1))  # type: ignore[union-attr]
        answer = httpx.post(
            f"{stack.url}/graphql",
            json=query,
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        ).json()
        fresh = token_status(stack, second_id, second_secret)
        stale = token_status(stack, first_id, first_secret)
    finally:
        stack.stop()
    assert "errors" not in answer, answer
    assert len(answer["data"]["agentScores"]) == 12
    assert fresh == 200
    assert stale == 401  # the rotated secret no longer works
