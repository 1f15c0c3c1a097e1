"""The connection twins of the growing lists (SPEC §6): a tenant with a few rows in each,
and the queries that read a list field and page through its twin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, update
from starlette.testclient import TestClient

from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.tables import AGENT_MERGE, REVIEW, WEBHOOK_DELIVERY
from tests.factories import agent_profile
from tests.support.api import access_token, batch, graphql_data, post_webhook
from tests.support.derive import settle
from tests.support.kpi_models import ACTIVATE, CREATE, solves
from tests.support.owner import owner_engine
from tests.support.quality import WEEK, Desk, open_desk, ratings

WEEK_PERIOD = f'{{grain: WEEK, start: "{WEEK.isoformat()}"}}'
MERGE = """mutation($source: ID!, $target: ID!) {
  mergeAgents(sourceAgentId: $source, targetAgentId: $target) { __typename } }"""
SOLVES_MODEL = solves(target=3)
# One moment shared by two rows of each timed list: only their ids order them.
TIE = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Twin:
    """A list field, its connection twin, the arguments both take and the scope they need."""

    field: str
    args: str  # GraphQL arguments both fields take (without first/after)
    list_args: str  # the list field's own extra arguments (its old limit)
    node: str  # the node's selection; its id is `id`, or `agent { id }` for scores
    scope: str

    def key(self, node: dict[str, Any]) -> str:
        return str(node["agent"]["id"] if "agent" in node else node["id"])

    def listing(self) -> str:
        args = ", ".join(a for a in (self.args, self.list_args) if a)
        return f"{{ {self.field}{f'({args})' if args else ''} {{ {self.node} }} }}"

    def page(self) -> str:
        args = f"{self.args}, " if self.args else ""
        return (
            f"query ($first: Int, $after: String) {{ "
            f"{self.field}Connection({args}first: $first, after: $after) {{ "
            f"edges {{ cursor node {{ {self.node} }} }} "
            f"pageInfo {{ hasNextPage endCursor }} totalCount }} }}"
        )


TWINS = {
    "agents": Twin("agents", "", "", "id name", "read"),
    "agents (active)": Twin("agents", "active: true", "", "id name", "read"),
    "reviews": Twin("reviews", "", "limit: 500", "id reviewedAt", "read"),
    "webhookDeliveries": Twin("webhookDeliveries", "", "limit: 500", "id receivedAt", "admin"),
    "agentMerges": Twin("agentMerges", "", "limit: 500", "id createdAt", "admin"),
    "agentScores": Twin(
        "agentScores", f"period: {WEEK_PERIOD}", "", "agent { id name } total", "read"
    ),
}


def build_world(container: Container, tenant: TenantProfile) -> Desk:
    """The quality desk (ann, bob, lead and their tickets), plus: three agents named Sam
    (a tie on name), a KPI model scoring solves (ties on total), three reviews, three
    merges into one agent, and three webhook deliveries; two rows of each timed list
    share one moment."""
    desk = open_desk(container, tenant)
    sams = [agent_profile(f"sam-{n}", team="tier1", name="Sam") for n in range(3)]
    dups = [agent_profile(f"dup-{n}", team="leads", name=f"Dup {n}") for n in range(4)]
    integration = admin.create_integration(
        container, tenant=tenant.id, source="generic", secret=None
    )
    for events in (sams, dups[:2], dups[2:]):
        response = post_webhook(desk.client, integration, batch(events))
        assert response.status_code in (200, 202), response.text
    settle(container)
    desk.agents = {
        a["externalId"]: a["id"] for a in desk.data("{ agents { id externalId } }")["agents"]
    }
    model = desk.data(CREATE, model=SOLVES_MODEL)["createKpiModel"]["id"]
    desk.data(ACTIVATE, id=model, **{"from": WEEK.isoformat()})
    card = desk.scorecard()
    for ticket in ("T-ANN", "T-ANN-2", "T-BOB"):
        review = desk.submit(
            scorecardId=card["id"],
            ticket={"externalId": ticket},
            reviewerId=desk.agents["lead"],
            ratings=ratings(4, 2, 1),
        )
        assert review["__typename"] == "Review", review
    for n in (1, 2, 3):
        merged = desk.data(MERGE, source=desk.agents[f"dup-{n}"], target=desk.agents["dup-0"])[
            "mergeAgents"
        ]
        assert merged["__typename"] == "AgentMerge", merged
    for table, column in ((REVIEW, "created_at"), (AGENT_MERGE, "created_at")):
        tie_two_rows(container, tenant, table, column)
    tie_two_rows(container, tenant, WEBHOOK_DELIVERY, "received_at")
    return desk


def tie_two_rows(container: Container, tenant: TenantProfile, table: Table, column: str) -> None:
    c = table.c
    with owner_engine(container).begin() as conn:
        ids = sorted(
            conn.scalars(table.select().with_only_columns(c.id).where(c.tenant_id == tenant.id))
        )
        assert len(ids) >= 3, f"{table.name}: {ids}"
        conn.execute(
            update(table).where(c.tenant_id == tenant.id, c.id.in_(ids[:2])).values({column: TIE})
        )


def token_for(desk: Desk, *scopes: str) -> str:
    return access_token(desk.client, desk.container, desk.tenant.id, scopes=scopes)


def listed(client: TestClient, token: str, twin: Twin) -> list[str]:
    """The keys of the list field's rows, in its order."""
    rows = graphql_data(client, token, twin.listing())[twin.field]
    return [twin.key(row) for row in rows]


def page(client: TestClient, token: str, twin: Twin, **variables: Any) -> dict[str, Any]:
    return dict(graphql_data(client, token, twin.page(), **variables)[f"{twin.field}Connection"])


def keys(twin: Twin, connection: dict[str, Any]) -> list[str]:
    return [twin.key(edge["node"]) for edge in connection["edges"]]


def page_through(client: TestClient, token: str, twin: Twin, first: int) -> list[list[str]]:
    """Every page of the twin, `first` rows at a time, following endCursor."""
    pages: list[list[str]] = []
    after = None
    while True:
        found = page(client, token, twin, first=first, after=after)
        pages.append(keys(twin, found))
        assert len(pages) < 100, "the cursor does not move"
        if not found["pageInfo"]["hasNextPage"]:
            return pages
        after = found["pageInfo"]["endCursor"]
