"""`fairscore demo`: a demo tenant with months of realistic history, and a token."""

from __future__ import annotations

import json
import shlex
from datetime import UTC, date, datetime, timedelta

import typer

from cli.output import console
from cli.progress import progress_bar
from domain.ports import TenantProfile
from infra import admin
from infra.bootstrap import Container, container
from infra.db.migrate import upgrade
from infra.db.repositories.system import NotFoundError
from infra.synthetic import Shape, generate

DEMO_TOKEN_TTL = 12 * 3600
DEMO_CLIENT = "demo dashboard"
DEMO_SCOPES = ["read", "reviews:write", "admin"]


def demo(
    slug: str = typer.Option("demo", "--tenant", help="tenant slug"),
    tickets: int = typer.Option(3000, help="tickets to generate"),
    days: int = typer.Option(150, help="days of history, ending today"),
    url: str = typer.Option("http://localhost:8000", help="where the API will listen"),
) -> None:
    """Create a demo tenant with realistic history; print a token and a sample query."""
    c = container()
    upgrade(c.settings.migration_url)
    try:
        tenant = admin.tenant_by_slug(c, slug)
        console.print(f"tenant [bold]{slug}[/bold] exists; reusing its data")
    except NotFoundError:
        tenant = admin.create_tenant(
            c, slug=slug, name="Demo Support Co.", timezone="Europe/Berlin"
        )
        _seed(c, tenant, tickets=tickets, days=days)
    client_id, secret = _demo_client(c, tenant)
    token = c.tokens.issue(
        tenant_id=tenant.id, client_id=client_id, scopes=DEMO_SCOPES, ttl_seconds=DEMO_TOKEN_TTL
    )["access_token"]
    _print_instructions(url, client_id, secret, token)


def _demo_client(c: Container, tenant: TenantProfile) -> tuple[str, str]:
    """One demo client per tenant, however often the demo runs. Only its secret's hash is
    stored, so a rerun gives the existing client a new secret (the old one stops working)."""
    rotated = admin.rotate_named_client(c, tenant=tenant.id, name=DEMO_CLIENT, scopes=DEMO_SCOPES)
    if rotated is None:
        return admin.create_client(c, tenant=tenant.id, name=DEMO_CLIENT, scopes=DEMO_SCOPES)
    console.print(
        f"demo client [bold]{rotated[0]}[/bold] exists; it has a new secret "
        "(the previous one no longer works)"
    )
    return rotated


def _seed(c: Container, tenant: TenantProfile, *, tickets: int, days: int) -> None:
    start = datetime.combine(date.today() - timedelta(days=days), datetime.min.time(), UTC)
    shape = Shape(tickets=tickets, days=days, start=start, agents=12, teams=3)
    events = list(generate(shape))
    with progress_bar(console) as report:
        done = 0

        def step(count: int) -> None:
            nonlocal done
            done += count
            report("load events", done, len(events))

        admin.apply_canonical(c, tenant.id, source="generic", events=events, progress=step)
        admin.derive_now(c, tenant.id, progress=report)


def _print_instructions(url: str, client_id: str, secret: str, token: str) -> None:
    month = date.today().replace(day=1) - timedelta(days=1)
    start = month.replace(day=1).isoformat()
    query = (
        f'{{ agentScores(period: {{grain: MONTH, start: "{start}"}}) '
        "{ agent { id externalId name } total metrics { key value sampleSize } } }"
    )
    body = json.dumps({"query": query})
    # soft_wrap: the secret stays on one line, so it can be copied
    console.print(f"\n[bold]Demo client[/bold] {client_id}  secret {secret}", soft_wrap=True)
    console.print(f"[bold]Access token[/bold] (valid {DEMO_TOKEN_TTL // 3600} h):")
    print(token)  # unwrapped, so it can be copied
    console.print("\n[bold]Try it[/bold] once the API is up:")
    print(
        f"curl -s {url}/graphql -H 'Authorization: Bearer {token}' "
        f"-H 'Content-Type: application/json' -d {shlex.quote(body)}"
    )
