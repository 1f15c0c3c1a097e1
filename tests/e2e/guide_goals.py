"""The API guide's goals section (docs/api.md §8) on the full stack: a metric goal's
progress and status follow its metric as signed webhooks arrive — the worker's reconciler
computes them — and roll up to the team objective with a manual goal set by its owner."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from gql.transport.exceptions import TransportQueryError

from tests.e2e.harness import Stack, wait_until_drained
from tests.factories import Ticket

Run = Callable[..., dict[str, Any]]  # Guide.run: an operation of the guide by name


def check_goals(
    stack: Stack, run: Run, hook: dict[str, Any], database_url: str, ids: dict[str, str]
) -> None:
    """`ids`: the agents "ada" and "bob" and Ada's team, "tier1". `run` holds the guide's
    read/admin token: goals need a people token of their own."""
    people = json.loads(
        stack.cli(
            "client", "create", "--tenant", "acme", "--scopes", "people:read people:write", "--json"
        )
    )
    check_admin_sees_no_goals(run)
    run = partial(run, token=stack.token(people["client_id"], people["client_secret"]))
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    # ten days, six of them elapsed today: the expected progress is 0.6
    days = {
        "startDate": (today - timedelta(days=5)).isoformat(),
        "endDate": (today + timedelta(days=4)).isoformat(),
    }
    team = created(run, title="Tier 1 solves", ownerKind="TEAM", ownerId=ids["tier1"], **days)
    metric = {"metric": "tickets_solved", "target": 4, "direction": "HIGHER_IS_BETTER"}
    mine = {"ownerKind": "AGENT", "parentId": team, **days}
    ada = created(
        run, title="Ada: 4", ownerId=ids["ada"], kind="METRIC", metric=metric, weight=2, **mine
    )
    bob = created(run, title="Bob: macros", ownerId=ids["bob"], progress=0.5, **mine)
    wait_until_drained(database_url)
    assert goal(run, ids["ada"]) == (ada, 0.0, "OFF_TRACK", [0.0])  # nothing solved in its days

    solved = []
    for n in range(3):
        t = Ticket(f"G-{n}", base=datetime.now(UTC) - timedelta(days=1))
        solved += (
            t.created(0, assignee="ada", team="tier1").customer(1).agent(5, "ada").solve(9).events
        )
    stack.post_webhooks(hook["webhook_path"], hook["secret"], solved, seed=7)
    wait_until_drained(database_url)
    # the tickets may arrive in several deliveries: each roll-up adds a point
    found, progress, status, history = goal(run, ids["ada"])
    assert (found, progress, status) == (ada, 0.75, "ON_TRACK")
    assert (history[0], history[-1]) == (0.0, 0.75) and history == sorted(history)
    assert goal(run, ids["tier1"], "TEAM")[1] == pytest.approx((2 * 0.75 + 0.5) / 3)

    answer = run("UpdateGoal", id=bob, input={"progress": 1.0})["updateGoal"]
    assert answer == {"__typename": "Goal", "id": bob, "manualProgress": 1.0}
    wait_until_drained(database_url)
    [objective] = run("Goals", ownerKind="TEAM", ownerId=ids["tier1"])["goals"]
    assert objective["progress"] == pytest.approx((2 * 0.75 + 1.0) / 3)
    assert {c["id"]: c["progress"] for c in objective["children"]} == {ada: 0.75, bob: 1.0}


def check_admin_sees_no_goals(run: Run) -> None:
    with pytest.raises(TransportQueryError) as refused:
        run("Goals")
    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"] == {"code": "FORBIDDEN", "scope": "people:read"}


def created(run: Run, **fields: Any) -> str:
    answer = run("CreateGoal", input={"kind": "MANUAL", **fields})["createGoal"]
    assert answer["__typename"] == "Goal", answer
    return str(answer["id"])


def goal(run: Run, owner: str, kind: str = "AGENT") -> tuple[str, float, str, list[float]]:
    """The owner's one goal: id, progress, status and the progress of its history."""
    [found] = run("Goals", ownerKind=kind, ownerId=owner)["goals"]
    history = [p["progress"] for p in found["progressHistory"]]
    return found["id"], found["progress"], found["status"], history
