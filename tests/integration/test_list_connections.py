"""The connection twins of the lists that can grow (SPEC §6, issue 12 item 1):
agentsConnection, reviewsConnection, webhookDeliveriesConnection, agentMergesConnection and
agentScoresConnection page through the rows of their list field, in its order, each row
exactly once; `first` over 500 and foreign cursors are refused; the list's scope is
needed; another tenant's rows never show."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from tests.support.api import graphql
from tests.support.connections import (
    TWINS,
    Twin,
    build_world,
    keys,
    listed,
    page,
    page_through,
    token_for,
)
from tests.support.quality import Desk

EVERY_SCOPE = ("read", "admin")


@pytest.fixture
def desk(container: Container, tenant: TenantProfile) -> Desk:
    return build_world(container, tenant)


def errors(client: TestClient, token: str, twin: Twin, **variables: Any) -> list[dict[str, Any]]:
    response = graphql(client, token, twin.page(), **variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"] is None
    return list(body["errors"])


def test_every_twin_pages_through_its_lists_rows_once_in_its_order(desk: Desk) -> None:
    token = token_for(desk, *EVERY_SCOPE)
    for name, twin in TWINS.items():
        whole = listed(desk.client, token, twin)
        assert len(whole) >= 3, name

        for first in (1, 2, 500):
            pages = page_through(desk.client, token, twin, first)
            assert [k for p in pages for k in p] == whole, (name, first)
            assert all(len(p) == first for p in pages[:-1]), (name, first, pages)
        assert page(desk.client, token, twin, first=500)["totalCount"] == len(whole), name


def test_ties_are_broken_by_id(desk: Desk) -> None:
    token = token_for(desk, *EVERY_SCOPE)
    agents = page(desk.client, token, TWINS["agents"], first=500)["edges"]
    sams = [e["node"]["id"] for e in agents if e["node"]["name"] == "Sam"]
    assert len(sams) == 3 and sams == sorted(sams)

    scores = page(desk.client, token, TWINS["agentScores"], first=500)["edges"]
    ranked = [(e["node"]["total"], e["node"]["agent"]["name"]) for e in scores]
    with_total = [r for r in ranked if r[0] is not None]
    assert with_total and with_total == sorted(with_total, key=lambda r: (-r[0], r[1]))
    assert all(r[0] is None for r in ranked[len(with_total) :])
    unscored_sams = [
        e["node"]["agent"]["id"]
        for e in scores
        if e["node"]["agent"]["name"] == "Sam" and e["node"]["total"] is None
    ]
    assert unscored_sams == sorted(unscored_sams) and len(unscored_sams) == 3

    # Merges tie on created_at in pairs (tests/support/connections.tie_two_rows); the
    # newest-first lists break the tie by id, merges by id descending.
    for name, time_of, descending in (
        ("reviews", "reviewedAt", False),
        ("webhookDeliveries", "receivedAt", False),
        ("agentMerges", "createdAt", True),
    ):
        edges = page(desk.client, token, TWINS[name], first=500)["edges"]
        times = [e["node"][time_of] for e in edges]
        assert times == sorted(times, reverse=True), name
        tied = [e["node"]["id"] for e in edges if times.count(e["node"][time_of]) > 1]
        assert len(tied) == 2 and tied == sorted(tied, reverse=descending), name


@pytest.mark.parametrize("first", [0, 501, -1])
def test_first_outside_1_to_500_is_refused(desk: Desk, first: int) -> None:
    token = token_for(desk, *EVERY_SCOPE)
    for name, twin in TWINS.items():
        (error,) = errors(desk.client, token, twin, first=first)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}, name


def test_a_forged_or_another_lists_cursor_is_refused(desk: Desk) -> None:
    token = token_for(desk, *EVERY_SCOPE)
    cursors = {
        name: page(desk.client, token, twin, first=1)["pageInfo"]["endCursor"]
        for name, twin in TWINS.items()
    }
    ticket_cursor = graphql(
        desk.client, token, "{ tickets(first: 1) { pageInfo { endCursor } } }"
    ).json()["data"]["tickets"]["pageInfo"]["endCursor"]
    for name, twin in TWINS.items():
        foreign = [c for other, c in cursors.items() if TWINS[other].field != twin.field]
        for cursor in [*foreign, ticket_cursor, "forged", ""]:
            (error,) = errors(desk.client, token, twin, first=5, after=cursor)
            assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}, (
                name,
                cursor,
            )
            assert error["message"] == f"not a cursor from {twin.field}"


def test_each_twin_needs_the_scope_of_its_list(desk: Desk) -> None:
    for name, twin in TWINS.items():
        other = next(s for s in EVERY_SCOPE if s != twin.scope)
        (error,) = errors(desk.client, token_for(desk, other), twin, first=5)
        assert error["extensions"]["code"] == "FORBIDDEN", name
        assert page(desk.client, token_for(desk, twin.scope), twin, first=5)["edges"], name


def test_a_tenant_never_sees_another_tenants_rows(
    desk: Desk, container: Container, client: TestClient
) -> None:
    other = admin.create_tenant(
        container, slug=f"t-{uuid.uuid4().hex[:8]}", name="Other Co", timezone="UTC"
    )
    theirs = build_world(container, other)
    mine, their_token = token_for(desk, *EVERY_SCOPE), token_for(theirs, *EVERY_SCOPE)
    for name, twin in TWINS.items():
        my_keys = set(listed(desk.client, mine, twin))
        their_page = page(desk.client, their_token, twin, first=1)
        their_keys = set(listed(desk.client, their_token, twin))
        assert my_keys and their_keys and not my_keys & their_keys, name

        # Their cursor is a position only: what follows it is this tenant's rows.
        after_theirs = page(
            desk.client, mine, twin, first=500, after=their_page["pageInfo"]["endCursor"]
        )
        assert set(keys(twin, after_theirs)) <= my_keys, name
        assert after_theirs["totalCount"] == len(my_keys), name

    # Their ids as filters find nothing here.
    their_agent = theirs.agents["ann"]
    agents = page(
        desk.client,
        mine,
        Twin("agents", f'teamId: "{their_team(theirs)}"', "", "id", "read"),
        first=500,
    )
    assert agents["edges"] == [] and agents["totalCount"] == 0
    reviews = page(
        desk.client,
        mine,
        Twin("reviews", f'filter: {{revieweeId: "{their_agent}"}}', "", "id", "read"),
        first=500,
    )
    assert reviews["edges"] == [] and reviews["totalCount"] == 0


def their_team(desk: Desk) -> str:
    teams = graphql(desk.client, desk.token, "{ teams { id } }").json()["data"]["teams"]
    return str(teams[0]["id"])
