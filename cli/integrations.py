"""`fairscore integration list|update` and `fairscore replay`: an operator's view of and
repairs to webhooks."""

from __future__ import annotations

import json

import typer

from cli.output import console, fail
from domain.integrations import FAILED, IntegrationChange
from domain.ports import UnitOfWork
from domain.services.integrations import replay_deliveries
from infra import admin
from infra.bootstrap import container
from infra.db.repositories.system import ConflictError, NotFoundError


def integration_list(
    tenant: str = typer.Option(..., help="tenant slug"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List a tenant's webhook integrations (never their secrets): id, source, webhook path."""
    c = container()
    try:
        found = admin.list_integrations(c, admin.tenant_by_slug(c, tenant).id)
    except NotFoundError as exc:
        raise fail(str(exc)) from None
    if as_json:
        rows = [
            {
                "integration_id": v.id,
                "source": v.source,
                "webhook_path": v.webhook_path,
                "active": v.active,
                "created_at": v.created_at.isoformat(timespec="seconds"),
            }
            for v in found
        ]
        print(json.dumps(rows))
        return
    for v in found:
        state = "active" if v.active else "inactive"
        console.print(
            f"{v.id}  {v.source}  {v.webhook_path}  {state}",
            soft_wrap=True,
            markup=False,
            highlight=False,
        )


def integration_update(
    tenant: str = typer.Option(..., help="tenant slug"),
    integration_id: str = typer.Option(..., "--id", help="the integration id"),
    secret: str | None = typer.Option(None, help="the new signing secret"),
    allow_unsigned: bool | None = typer.Option(
        None,
        "--allow-unsigned/--no-allow-unsigned",
        help="chatwoot < 4.11.2 only: accept unsigned requests (a new --secret switches "
        "this off unless given with it)",
    ),
    active: bool | None = typer.Option(
        None, "--activate/--deactivate", help="accept its webhooks, or answer them 404"
    ),
) -> None:
    """Rotate a secret, switch Chatwoot's unsigned mode, or (de)activate an integration."""
    change = IntegrationChange(secret=secret, allow_unsigned=allow_unsigned, active=active)
    c = container()
    try:
        profile = admin.tenant_by_slug(c, tenant)
        view = admin.update_integration(
            c, tenant=profile.id, integration_id=integration_id, change=change
        )
    except (NotFoundError, ConflictError) as exc:
        raise fail(str(exc)) from None
    state = "active" if view.active else "inactive"
    unsigned = ", accepts unsigned deliveries" if view.allow_unsigned else ""
    console.print(f"integration {view.id} ({view.source}) updated: {state}{unsigned}")


def replay(
    tenant: str = typer.Option(..., help="tenant slug"),
    delivery: str | None = typer.Option(None, help="one delivery id"),
    status: str | None = typer.Option(
        None, help=f"every delivery in this status, e.g. {FAILED} or ignored"
    ),
) -> None:
    """Process stored webhook deliveries again with the current adapter code."""
    if (delivery is None) == (status is None):
        raise fail("give either --delivery ID or --status STATUS")
    c = container()
    try:
        profile = admin.tenant_by_slug(c, tenant)
    except NotFoundError as exc:
        raise fail(str(exc)) from None
    count = 0

    def replay(uow: UnitOfWork) -> None:
        nonlocal count
        count = replay_deliveries(uow, delivery_id=delivery, status=status)

    # Processed here and now, so the operator sees the outcome.
    try:
        result = admin.derive_now(c, profile.id, change=replay).intake
    except ValueError as exc:
        raise fail(str(exc)) from None
    if delivery is not None and count == 0:
        raise fail(f"no delivery {delivery!r} in tenant {tenant!r}")
    console.print(
        f"replayed {count} deliver{'y' if count == 1 else 'ies'}: {result.processed} processed "
        f"({result.events} events), {result.ignored} ignored, {result.failed} failed"
    )
    if result.failed:
        console.print(
            f"see why with the webhookDeliveries(status: FAILED) query, or "
            f"fairscore replay --tenant {tenant} --status failed after a fix"
        )
