"""The API guide's exports on the full stack: agent-scores.csv and tickets.csv hold what
the Leaderboard query and the AgentTickets drill-down answered."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx

from tests.e2e.harness import Stack


def check_export(stack: Stack, token: str, board: list[dict[str, Any]]) -> None:
    """agent-scores.csv for December holds, per agent and in the same order, the total and
    every metric's value and sample size that the Leaderboard query answered."""
    response = httpx.get(
        f"{stack.url}/exports/agent-scores.csv",
        params={"grain": "MONTH", "start": "2025-12-01"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["agent_external_id"] for r in rows] == [b["agent"]["externalId"] for b in board]
    compared = 0
    for row, answer in zip(rows, board, strict=True):
        assert (row["agent_id"], row["agent_name"]) == (
            answer["agent"]["id"],
            answer["agent"]["name"],
        )
        assert number(row["total"]) == answer["total"]
        for metric in answer["metrics"]:
            key = metric["key"]
            assert number(row[key]) == metric["value"], key
            assert int(row[f"{key}_sample_size"]) == metric["sampleSize"], key
            compared += 1
    assert compared > 3 * 15


def check_ticket_export(stack: Stack, token: str, ada: str, drilled: list[dict[str, Any]]) -> None:
    """tickets.csv for Ada's December tickets (created and solved in December) holds, in the
    same order, what the AgentTickets drill-down answered for each."""
    response = httpx.get(
        f"{stack.url}/exports/tickets.csv",
        params={"grain": "MONTH", "start": "2025-12-01", "agentId": ada, "status": "SOLVED,CLOSED"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["external_id"] for r in rows] == [n["externalId"] for n in drilled]
    for row, node in zip(rows, drilled, strict=True):
        assert (row["status"], row["created_at"], row["first_solved_at"]) == (
            node["status"],
            node["createdAt"],
            node["firstSolvedAt"],
        )
        assert (row["assignee_id"], row["assignee_name"]) == (ada, "Ada")
        metrics = [
            {"key": m["key"], "value": m["value"], "at": m["at"]}
            for m in json.loads(row["metrics"])
        ]
        assert metrics == node["metrics"]


def number(cell: str) -> float | None:
    return None if cell == "" else float(cell)
