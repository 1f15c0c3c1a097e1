"""A tenant's OAuth2 API clients: listed, revoked and rotated by its operators and admins.

The cross-tenant lookup by client id that authenticates `/oauth/token` stays in
`SystemRepository`; everything here is bound to one tenant.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from domain.clients import ApiClientView, ClientRevokedError, ClientSecret
from infra.db.repositories.base import TenantRepository
from infra.db.tables import API_CLIENT
from infra.db.types import utcnow
from infra.security import hash_secret, new_client_id, new_secret

C = API_CLIENT.c
_VIEW = (
    C.client_id,
    C.name,
    C.scopes,
    C.created_at,
    C.revoked_at,
    C.secret_rotated_at,
    C.previous_secret_expires_at,
)


class SqlApiClients(TenantRepository):
    def listing(self) -> Sequence[ApiClientView]:
        stmt = (
            select(*_VIEW).where(C.tenant_id == self.tenant_id).order_by(C.created_at, C.client_id)
        )
        return [_view(row) for row in self.session.execute(stmt)]

    def add(self, *, scopes: Sequence[str], name: str) -> ClientSecret:
        client_id, secret = new_client_id(), new_secret()
        self.session.execute(
            API_CLIENT.insert().values(
                tenant_id=self.tenant_id,
                client_id=client_id,
                name=name,
                secret_hash=hash_secret(secret),
                scopes=" ".join(scopes),
                created_at=utcnow(),
            )
        )
        found = self.get(client_id)
        assert found is not None  # noqa: S101 - inserted just above, in this transaction
        return ClientSecret(found, secret)

    def get(self, client_id: str) -> ApiClientView | None:
        stmt = select(*_VIEW).where(C.tenant_id == self.tenant_id, C.client_id == client_id)
        row = self.session.execute(stmt).first()
        return _view(row) if row else None

    def revoke(self, client_id: str) -> ApiClientView | None:
        """Revoked from now on; revoking again keeps the first time."""
        self.session.execute(
            update(API_CLIENT)
            .where(C.tenant_id == self.tenant_id, C.client_id == client_id)
            .where(C.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        return self.get(client_id)

    def rotate(self, client_id: str, *, grace: timedelta) -> ClientSecret | None:
        """A new secret; the replaced one keeps working for `grace` (zero: it stops
        when this commits). A secret replaced before ends its window now: only the
        current and the one before it are ever accepted."""
        found = self.get(client_id)
        if found is None:
            return None
        if not found.active:
            raise ClientRevokedError(f"API client {client_id!r} is revoked")
        secret, now = new_secret(), utcnow()
        keep = grace > timedelta(0)
        self.session.execute(
            update(API_CLIENT)
            .where(C.tenant_id == self.tenant_id, C.client_id == client_id)
            .values(
                secret_hash=hash_secret(secret),
                secret_rotated_at=now,
                previous_secret_hash=C.secret_hash if keep else None,
                previous_secret_expires_at=now + grace if keep else None,
            )
        )
        rotated = self.get(client_id)
        assert rotated is not None  # noqa: S101 - read just above, in this transaction
        return ClientSecret(rotated, secret)

    def revoked_ids(self) -> frozenset[str]:
        """What token verification checks (through a short-lived cache, see
        `infra/auth/revocation.py`): the ids of the tenant's revoked clients."""
        stmt = select(C.client_id).where(C.tenant_id == self.tenant_id, C.revoked_at.is_not(None))
        return frozenset(self.session.execute(stmt).scalars())


def _view(row: Any) -> ApiClientView:
    return ApiClientView(
        client_id=row.client_id,
        name=row.name,
        scopes=tuple(row.scopes.split()),
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        secret_rotated_at=row.secret_rotated_at,
        previous_secret_valid_until=_still_valid(row.previous_secret_expires_at),
    )


def _still_valid(until: datetime | None) -> datetime | None:
    return until if until is not None and until > utcnow() else None
