"""Admin use cases for a tenant's OAuth2 API clients (SPEC §6): create, revoke, rotate.

A secret leaves the system once, in the answer that creates or rotates it; only its
hash is stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from domain.auth import ALL_SCOPES
from domain.clients import ApiClientView, ClientError, ClientSecret
from domain.ports import UnitOfWork

MAX_NAME = 200
# A rotated secret's grace window is for rolling a deploy, not a second permanent secret.
MAX_GRACE = timedelta(days=30)


def create_client(
    uow: UnitOfWork, *, scopes: Iterable[str], name: str, granted_by: frozenset[str]
) -> ClientSecret:
    """A new client with `scopes`, each known and held by the caller (`granted_by`):
    a token cannot mint a client that may do more than itself."""
    chosen = set(scopes)
    unknown = sorted(chosen - set(ALL_SCOPES))
    if unknown or not chosen:
        raise ClientError(
            f"unknown scopes {unknown}; choose from {' '.join(ALL_SCOPES)}", field="scopes"
        )
    beyond = sorted(chosen - granted_by)
    if beyond:
        raise ClientError(f"this token does not hold the scopes {beyond}", field="scopes")
    if len(name) > MAX_NAME:
        raise ClientError(f"the name is longer than {MAX_NAME} characters", field="name")
    ordered = [s for s in ALL_SCOPES if s in chosen]
    return uow.api_clients.add(scopes=ordered, name=name.strip())


def revoke_client(uow: UnitOfWork, *, client_id: str) -> ApiClientView | None:
    """None when the tenant has no such client."""
    return uow.api_clients.revoke(client_id)


def rotate_client_secret(
    uow: UnitOfWork, *, client_id: str, grace: timedelta, granted_by: frozenset[str]
) -> ClientSecret | None:
    """A new secret; the old one keeps working for `grace` (zero: stops at once), so
    the client's deployments can switch over. None when the tenant has no such client;
    ClientRevokedError when it is revoked. Like creation, only for a caller holding
    every scope of the client (`granted_by`): its new secret is a token with them."""
    if not timedelta(0) <= grace <= MAX_GRACE:
        raise ClientError(
            f"the grace window must be 0 to {int(MAX_GRACE.total_seconds())} seconds",
            field="graceSeconds",
        )
    found = uow.api_clients.get(client_id)
    if found is None:
        return None
    beyond = [s for s in found.scopes if s not in granted_by]
    if beyond:
        raise ClientError(
            f"this token does not hold the client's scopes {beyond}; it cannot rotate it",
            field="id",
        )
    return uow.api_clients.rotate(client_id, grace=grace)
