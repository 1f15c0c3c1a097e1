"""`fairscore import`: a Zendesk export or canonical JSON lines become the same history the
webhooks would have built — twice, or after the webhooks, changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app
from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container
from infra.db.tables import TICKET_EVENT
from tests.factories import Ticket
from tests.support.api import access_token, count_rows, graphql_data
from tests.support.vendor_payloads import LIFECYCLES
from tests.support.vendors import send

SCORES = """
query ($period: PeriodInput!) {
  agentScores(period: $period) { agent { externalId } metrics { key value sampleSize } }
}"""
WANTED = ("first_response_time", "tickets_solved", "csat")


def audit(at: str, updater: int, *children: dict[str, Any]) -> dict[str, Any]:
    return {
        "ticket_id": 7001,
        "created_at": at,
        "updater_id": updater,
        "child_events": list(children),
    }


def comment(comment_id: int, author: int, at: str) -> dict[str, Any]:
    return {
        "id": comment_id,
        "event_type": "Comment",
        "author_id": author,
        "public": True,
        "created_at": at,
    }


# Ticket 7001 of tests/support/vendor_payloads.zendesk_lifecycle, as the Incremental Export
# API lists it: users, the ticket, then its audits (ticket events with child events).
EXPORT: list[dict[str, Any]] = [
    {
        "id": 901,
        "role": "agent",
        "name": "Person 2",
        "email": "person2@example.com",
        "created_at": "2024-01-01T00:00:00Z",
    },
    {"id": 501, "role": "end-user", "name": "Person 1", "created_at": "2024-01-01T00:00:00Z"},
    {
        "id": 7001,
        "created_at": "2025-03-03T09:00:00Z",
        "via": {"channel": "web_service"},
        "requester_id": 501,
        "assignee_id": 901,
        "status": "solved",
    },
    audit(
        "2025-03-03T09:00:00Z",
        501,
        {"event_type": "Create", "status": "new"},
        {"event_type": "Create", "assignee_id": 901},
    ),
    audit("2025-03-03T09:05:00Z", 501, comment(1001, 501, "2025-03-03T09:05:00Z")),
    audit("2025-03-03T09:40:00Z", 901, comment(1002, 901, "2025-03-03T09:40:00Z")),
    audit("2025-03-03T10:00:00Z", 901, {"event_type": "Change", "status": "solved"}),
    audit(
        "2025-03-04T08:15:42Z",
        501,
        {"event_type": "SatisfactionRating", "score": "good", "body": "Quick and kind"},
    ),
]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def run_import(
    tenant: TenantProfile, source: str, path: Path, *, exit_code: int = 0
) -> dict[str, Any]:
    args = ["import", "--tenant", tenant.slug, "--source", source, str(path), "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == exit_code, result.output  # 3: some lines failed
    summary: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return summary


def zendesk_metrics(
    client: TestClient, container: Container, tenant: TenantProfile
) -> dict[str, Any]:
    token = access_token(client, container, tenant.id)
    period = {"grain": "MONTH", "start": "2025-03-01"}
    scores = graphql_data(client, token, SCORES, period=period)["agentScores"]
    [agent] = [s for s in scores if s["agent"]["externalId"] == "901"]
    return {m["key"]: (m["value"], m["sampleSize"]) for m in agent["metrics"] if m["key"] in WANTED}


def test_a_zendesk_export_imports_the_tickets_history_and_scores_it(
    client: TestClient, container: Container, tenant: TenantProfile, tmp_path: Path
) -> None:
    export = write_lines(tmp_path / "export.jsonl", [json.dumps(o) for o in EXPORT])

    summary = run_import(tenant, "zendesk", export)

    assert summary["failed"] == summary["duplicates"] == 0
    assert (
        summary["imported"] == summary["events"] == count_rows(container, TICKET_EVENT, tenant.id)
    )
    assert zendesk_metrics(client, container, tenant) == {
        "first_response_time": (2400.0, 1),
        "tickets_solved": (1, 1),
        "csat": (1.0, 1),
    }


def test_importing_the_same_export_again_imports_nothing(
    client: TestClient, container: Container, tenant: TenantProfile, tmp_path: Path
) -> None:
    export = write_lines(tmp_path / "export.jsonl", [json.dumps(o) for o in EXPORT])
    first = run_import(tenant, "zendesk", export)
    metrics = zendesk_metrics(client, container, tenant)

    second = run_import(tenant, "zendesk", export)

    assert (second["imported"], second["duplicates"]) == (0, first["events"])
    assert zendesk_metrics(client, container, tenant) == metrics


def test_an_export_after_the_webhooks_adds_their_facts_only_once(
    client: TestClient, container: Container, tenant: TenantProfile, tmp_path: Path
) -> None:
    integration = admin.create_integration(
        container, tenant=tenant.id, source="zendesk", secret="zk"
    )
    for delivery in LIFECYCLES["zendesk"]().deliveries:
        assert send(client, integration, delivery).status_code == 202
    container.queue.join()
    by_webhooks = zendesk_metrics(client, container, tenant)
    export = write_lines(tmp_path / "export.jsonl", [json.dumps(o) for o in EXPORT])

    summary = run_import(tenant, "zendesk", export)

    # creation, both comments, the solve and the rating have the webhooks' ids
    assert summary["duplicates"] >= 5
    assert zendesk_metrics(client, container, tenant) == by_webhooks


def test_lines_that_cannot_be_imported_are_reported_and_the_rest_goes_on(
    client: TestClient, container: Container, tenant: TenantProfile, tmp_path: Path
) -> None:
    lines = [json.dumps(o) for o in EXPORT]
    lines.insert(2, "{not json")
    lines.insert(4, json.dumps({"hello": "world"}))
    lines.append(json.dumps(audit("2025-03-05T10:00:00Z", 901, {"event_type": "Comment", "id": 9})))
    export = write_lines(tmp_path / "export.jsonl", lines)

    summary = run_import(tenant, "zendesk", export, exit_code=3)

    assert summary["failed"] == 3
    reasons = {f["line"]: f["reason"] for f in summary["failures"]}
    assert reasons[3].startswith("not JSON")
    assert "not a ticket, ticket event or user" in reasons[5]
    assert "public" in reasons[len(lines)]
    assert zendesk_metrics(client, container, tenant)["tickets_solved"] == (1, 1)


def test_canonical_json_lines_import_idempotently_and_report_bad_events(
    client: TestClient, container: Container, tenant: TenantProfile, tmp_path: Path
) -> None:
    story = Ticket("G-9").created(0, assignee="a1").customer(0).agent(12, "a1").solve(20).events
    broken = {**story[0], "id": "broken"}
    del broken["channel"]
    path = write_lines(
        tmp_path / "events.jsonl",
        [json.dumps(e) for e in story[:2]]
        + [json.dumps({"events": story[2:]}), json.dumps(broken), ""],
    )

    first = run_import(tenant, "generic", path, exit_code=3)
    second = run_import(tenant, "generic", path, exit_code=3)

    assert (first["imported"], first["failed"]) == (len(story), 1)
    assert "'channel'" in first["failures"][0]["reason"] and first["failures"][0]["line"] == 4
    assert (second["imported"], second["duplicates"]) == (0, len(story))


def test_the_import_command_refuses_an_unknown_source_or_tenant(
    tenant: TenantProfile, tmp_path: Path
) -> None:
    path = write_lines(tmp_path / "x.jsonl", ["{}"])
    runner = CliRunner()

    wrong_source = runner.invoke(
        app, ["import", "--tenant", tenant.slug, "--source", "kayako", str(path)]
    )
    wrong_tenant = runner.invoke(
        app, ["import", "--tenant", "nobody", "--source", "generic", str(path)]
    )

    assert wrong_source.exit_code == wrong_tenant.exit_code == 1
