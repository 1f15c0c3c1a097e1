"""`fairscore client list|revoke|rotate` and `fairscore tenant list` (SPEC §6).

Secrets are never listed: a client's secret is printed once, when it is created or
rotated, and only its hash is stored.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import typer

from cli.output import console, fail
from domain.clients import ApiClientView
from domain.ports import TenantId
from domain.services.clients import MAX_GRACE
from infra import admin
from infra.bootstrap import container
from infra.db.repositories.system import ConflictError, NotFoundError


def tenant_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """List the tenants: slug, name, timezone and id."""
    found = admin.list_tenants(container())
    if as_json:
        rows = [{"id": t.id, "slug": t.slug, "name": t.name, "timezone": t.timezone} for t in found]
        print(json.dumps(rows))
        return
    for t in found:
        _line(f"{t.slug}  {t.name}  {t.timezone}  (id {t.id})")


def client_list(
    tenant: str = typer.Option(..., help="tenant slug"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List a tenant's API clients (never their secrets): id, scopes, created, and when
    revoked or last rotated."""
    found = admin.list_clients(container(), tenant_id(tenant))
    if as_json:
        print(json.dumps([_client_json(v) for v in found]))
        return
    for v in found:
        state = f"revoked {_iso(v.revoked_at)}" if v.revoked_at else "active"
        rotated = f"  rotated {_iso(v.secret_rotated_at)}" if v.secret_rotated_at else ""
        if v.previous_secret_valid_until:
            rotated += f" (old secret until {_iso(v.previous_secret_valid_until)})"
        name = f"  {v.name}" if v.name else ""
        _line(
            f"{v.client_id}  {state}  scopes {' '.join(v.scopes)}  "
            f"created {_iso(v.created_at)}{rotated}{name}"
        )


def client_revoke(
    client_id: str = typer.Argument(metavar="ID", help="the client_id"),
    tenant: str = typer.Option(..., help="tenant slug"),
) -> None:
    """Revoke a client: it gets no new tokens, and the tokens it holds are refused within
    REVOCATION_CACHE_TTL seconds (30 at most), not at their expiry."""
    c = container()
    try:
        view = admin.revoke_client(c, tenant=tenant_id(tenant), client_id=client_id)
    except NotFoundError:
        raise fail(_no_client(client_id, tenant)) from None
    console.print(f"client {view.client_id} revoked at {_iso(view.revoked_at)}")


def client_rotate(
    client_id: str = typer.Argument(metavar="ID", help="the client_id"),
    tenant: str = typer.Option(..., help="tenant slug"),
    as_json: bool = typer.Option(False, "--json"),
    grace: int | None = typer.Option(
        None,
        min=0,
        max=int(MAX_GRACE.total_seconds()),
        help="seconds the old secret keeps working (default CLIENT_SECRET_GRACE, 24 h; "
        "a leaked secret needs 0)",
    ),
) -> None:
    """Give a client a new secret, printed once. The old secret keeps working for a
    grace window (CLIENT_SECRET_GRACE, 24 h unless set; --grace 0 ends it at once) so
    deployments can switch over; tokens already issued stay valid until they expire.
    A compromised secret stays valid for that window: use --grace 0, or revoke."""
    c = container()
    window = None if grace is None else timedelta(seconds=grace)
    try:
        rotated = admin.rotate_client(
            c, tenant=tenant_id(tenant), client_id=client_id, grace=window
        )
    except NotFoundError:
        raise fail(_no_client(client_id, tenant)) from None
    except ConflictError as exc:
        raise fail(f"{exc}; create a new client with `fairscore client create`") from None
    until = _iso(rotated.client.previous_secret_valid_until)
    if as_json:
        print(
            json.dumps(
                {
                    "client_id": rotated.client.client_id,
                    "client_secret": rotated.secret,
                    "previous_secret_valid_until": until,
                }
            )
        )
        return
    old = f"the old one works until {until}" if until else "the old one no longer works"
    console.print(
        f"client_id     {rotated.client.client_id}\nclient_secret {rotated.secret}\n"
        f"(the secret is not stored; keep it now — {old})"
    )


def tenant_id(slug: str) -> TenantId:
    try:
        return admin.tenant_by_slug(container(), slug).id
    except NotFoundError as exc:
        raise fail(str(exc)) from None


def _no_client(client_id: str, tenant: str) -> str:
    return f"no API client {client_id!r} in tenant {tenant!r}; see `fairscore client list`"


def _client_json(v: ApiClientView) -> dict[str, Any]:
    return {
        "client_id": v.client_id,
        "name": v.name,
        "scopes": list(v.scopes),
        "active": v.active,
        "created_at": _iso(v.created_at),
        "revoked_at": _iso(v.revoked_at),
        "secret_rotated_at": _iso(v.secret_rotated_at),
        "previous_secret_valid_until": _iso(v.previous_secret_valid_until),
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def _line(text: str) -> None:
    # Plain: ids must stay whole and copy-pastable whatever the terminal's width.
    console.print(text, soft_wrap=True, markup=False, highlight=False)
