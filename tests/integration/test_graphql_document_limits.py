"""Bounded GraphQL documents: over their byte, token, bracket-nesting or body limits they get
a 4xx with a message, and documents whose validation would be quadratic or exponential a
GraphQL error — refused at once, before anything recursive or quadratic runs. A real
frontend's dashboard query fits."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.graphql_limits import scan
from domain.ports import TenantProfile
from infra.bootstrap import Container
from infra.settings import Settings
from tests.support.api import access_token
from tests.support.limits import assert_refused

# Quick: the unbounded server took 5-11 s of event-loop time on the documents below. Timed
# in this process's CPU seconds (the TestClient runs the app here), not wall time, so that
# other work on a busy machine does not count.
QUICK = 1.0


@pytest.fixture
def headers(client: TestClient, container: Container, tenant: TenantProfile) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token(client, container, tenant.id)}"}


def post_query(client: TestClient, headers: dict[str, str], query: str) -> tuple[Any, float]:
    started = time.process_time()
    response = client.post("/graphql", json={"query": query}, headers=headers)
    return response, time.process_time() - started


def repeated_fields(count: int) -> str:
    """`{ agents { id id … } }`: 5 tokens plus one per field."""
    return "{ agents { " + "id " * count + "} }"


def includes(count: int) -> str:
    return "{ agents " + "@include(if: true) " * count + "{ id } }"


def test_the_limits_are_the_documented_ones(settings: Settings) -> None:
    limits = (settings.graphql_max_tokens, settings.graphql_max_selections)
    assert (*limits, settings.graphql_max_pairs, settings.graphql_max_aliases) == (
        2_000,
        5_000,
        2_000,
        15,
    )


@pytest.mark.parametrize(
    "query", [repeated_fields(700_000), includes(100_000)], ids=["2 MB of fields", "100k @include"]
)
def test_a_document_over_the_body_limit_is_413_at_once(
    client: TestClient, headers: dict[str, str], query: str
) -> None:
    assert len(query) > 1_800_000

    response, seconds = post_query(client, headers, query)

    assert_refused(response, 413, "request body larger than 1048576 bytes")
    assert seconds < QUICK


@pytest.mark.parametrize(
    ("query", "words"),
    [
        (repeated_fields(12_000), "larger than 32768 bytes"),
        ("{ agents { id } } # " + "x" * 40_000, "larger than 32768 bytes"),
        (includes(1_500), "more than 2000 tokens"),
        (repeated_fields(1_996), "more than 2000 tokens"),
        ("{ agents { id } }\n" + "#\n" * 2_000, "more than 2000 tokens"),  # comments count too
    ],
    ids=[
        "fields over bytes",
        "comment over bytes",
        "1500 @include",
        "2001 tokens",
        "comments",
    ],
)
def test_a_document_over_the_byte_or_token_limit_is_400_at_once(
    client: TestClient, headers: dict[str, str], query: str, words: str
) -> None:
    response, seconds = post_query(client, headers, query)

    message = assert_refused(response, 400, words)
    assert "GRAPHQL_MAX_" in message
    assert seconds < QUICK


@pytest.mark.parametrize("depth", [65, 900])
def test_a_document_nesting_brackets_deeper_than_64_is_400_at_once(
    client: TestClient, headers: dict[str, str], depth: int
) -> None:
    # The parser recurses once per bracket: 2,400 nested lists took it 0.3 s to refuse.
    query = "{ agents(teamId: " + "[" * depth + "]" * depth + ") { id } }"

    response, seconds = post_query(client, headers, query)

    assert_refused(response, 400, "GraphQL document nests brackets deeper than 64 levels")
    assert seconds < QUICK


def test_a_get_document_over_the_token_limit_is_400(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.get("/graphql", params={"query": includes(700)}, headers=headers)

    assert_refused(response, 400, "more than 2000 tokens")


# --- a real frontend's query -----------------------------------------------------------------

DASHBOARD = (Path(__file__).parents[1] / "fixtures" / "dashboard.graphql").read_text()
DASHBOARD_VARIABLES = {
    "period": {"grain": "MONTH", "start": "2026-11-01"},
    "previous": {"grain": "MONTH", "start": "2026-10-01"},
    "agentId": "00000000-0000-0000-0000-000000000001",
    "compareId": "00000000-0000-0000-0000-000000000002",
    "weekStart": "2026-11-02",
    "surveyId": "00000000-0000-0000-0000-000000000003",
}


@pytest.fixture
def admin_headers(
    client: TestClient, container: Container, tenant: TenantProfile
) -> dict[str, str]:
    token = access_token(client, container, tenant.id, scopes=("read", "admin"))
    return {"Authorization": f"Bearer {token}"}


def post_dashboard(client: TestClient, headers: dict[str, str], padding: int) -> Any:
    """The dashboard query with `padding` comment lines (comments are tokens too)."""
    query = DASHBOARD + "#\n" * padding
    return client.post(
        "/graphql", json={"query": query, "variables": DASHBOARD_VARIABLES}, headers=headers
    )


def test_a_frontend_dashboard_query_with_fragments_runs(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    assert scan(DASHBOARD, stop_after=10_000)[0] == 975  # 15 fragments, 6.5 KB

    response = post_dashboard(client, admin_headers, padding=0)

    assert response.status_code == 200, response.text[:500]
    body = response.json()
    assert "errors" not in body, body["errors"]
    assert body["data"]["tenantMetrics"]["period"]["start"] == "2026-11-01"
    assert body["data"]["agents"] == []


def test_a_document_at_the_token_limit_runs_and_one_more_token_is_400(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    padding = 2_000 - scan(DASHBOARD, stop_after=10_000)[0]

    at_limit = post_dashboard(client, admin_headers, padding)
    over = post_dashboard(client, admin_headers, padding + 1)

    assert at_limit.status_code == 200, at_limit.text[:500]
    assert "errors" not in at_limit.json()
    assert_refused(over, 400, "more than 2000 tokens")


# --- document shapes that validation is slow on ----------------------------------------------


def spreads(count: int, fragment: str) -> str:
    return "{ agents { " + "...A " * count + "} } fragment A on Agent { " + fragment + " }"


def fragment_chain(levels: int, width: int) -> str:
    """Fragment n spreads fragment n+1 `width` times: width**levels spreads expanded."""
    chain = [f"fragment F{n} on Agent {{ {f'...F{n + 1} ' * width}}}" for n in range(levels)]
    return "{ agents { ...F0 } } " + " ".join(chain) + f" fragment F{levels} on Agent {{ id }}"


def fragment_clique(size: int) -> str:
    """Every fragment spreads every other: a cycle, and size! paths to walk."""
    names = [f"F{n}" for n in range(size)]
    spread = {n: " ".join(f"...{m}" for m in names if m != n) for n in names}
    return "{ agents { ...F0 } } " + " ".join(
        f"fragment {n} on Agent {{ id {spread[n]} }}" for n in names
    )


@pytest.mark.parametrize(
    ("query", "words"),
    [
        (repeated_fields(64), "the most repeated is 'agents.id', 64 times"),
        ("{ " + "agents { id } " * 64 + "}", "the most repeated is 'agents', "),
        ("{ " + ("agents { " + "team { id } " * 8 + "} ") * 8 + "}", "'agents.team"),
        (spreads(64, "name"), "the most repeated is fragments spread in 'agents', "),
        (spreads(63, "id name"), "GRAPHQL_MAX_PAIRS"),
        (fragment_chain(levels=10, width=10), "selections once its fragments are expanded"),
        (fragment_clique(9), "Cannot spread fragment"),
        ("{ agents { ...Missing } }", "Unknown fragment 'Missing'."),
        ("{ agents { id } } fragment U on Agent { " + "id " * 1_000 + "}", "'U' is never used"),
        (fragment_chain(levels=70, width=1), "deeper than 64 levels"),
        ("{ " + " ".join(f"a{n}: agents {{ x: id }}" for n in range(8)) + " }", "16 aliases"),
        (" ".join(f"query Q{n} {{ agents {{ id }} }}" for n in range(21)), "20 operations"),
    ],
    ids=[
        "64 ids",
        "64 agents",
        "8 x 8 nested",
        "64 spreads",
        "63 spreads of 2 fields",
        "10^10 expanded spreads",
        "fragment cycles",
        "unknown fragment",
        "unused fragment",
        "70 nested spreads",
        "aliases",
        "21 operations",
    ],
)
def test_a_document_validation_is_slow_on_is_refused_before_validation(
    client: TestClient, headers: dict[str, str], query: str, words: str
) -> None:
    response, seconds = post_query(client, headers, query)

    assert response.status_code == 200, response.text[:500]
    body = response.json()
    assert body["data"] is None
    assert len(body["errors"]) == 1  # validation did not run: it would find more
    assert words in body["errors"][0]["message"]
    assert seconds < QUICK


def test_repeats_just_under_the_pair_limit_are_validated_and_run(
    client: TestClient, headers: dict[str, str]
) -> None:
    response, _ = post_query(client, headers, repeated_fields(63))  # 1953 pairs

    assert response.status_code == 200, response.text[:500]
    assert response.json() == {"data": {"agents": []}}
